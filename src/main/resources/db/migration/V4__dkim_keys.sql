-- DKIM signing keys (RFC 6376, RFC 8463), several per domain: one per selector, typically an
-- rsa-sha256 and an ed25519-sha256 key, more while keys are rotated. They go with their domain.
CREATE TABLE dkim_keys (
    domain_id    INTEGER NOT NULL REFERENCES domains(id) ON DELETE CASCADE,
    selector     TEXT    NOT NULL,          -- published at <selector>._domainkey.<domain>
    algorithm    TEXT    NOT NULL,          -- the a= value: rsa-sha256 | ed25519-sha256
    private_key  TEXT    NOT NULL,          -- PKCS#8 DER, base64
    public_key   TEXT    NOT NULL,          -- the p= value of the DNS record, base64
    created_at   BIGINT  NOT NULL,
    PRIMARY KEY (domain_id, selector)
);
