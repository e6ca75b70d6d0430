-- DKIM signing keys (RFC 6376, RFC 8463), several per domain: one per selector; as db/migration/V4.
CREATE TABLE dkim_keys (
    domain_id    BIGINT  NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    selector     TEXT    COLLATE "C" NOT NULL,  -- published at <selector>._domainkey.<domain>
    algorithm    TEXT    COLLATE "C" NOT NULL,  -- the a= value: rsa-sha256 | ed25519-sha256
    private_key  TEXT    COLLATE "C" NOT NULL,  -- PKCS#8 DER, base64
    public_key   TEXT    COLLATE "C" NOT NULL,  -- the p= value of the DNS record, base64
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (domain_id, selector)
);
