-- Secrets for the SASL mechanisms that cannot use the Argon2id password hash
-- (see docs/adr/0003-stored-secrets.md); as db/migration/V2. Both are NULL until a password is set with them.

-- SCRAM-SHA-256 (RFC 5802, RFC 7677): "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>".
ALTER TABLE accounts ADD COLUMN scram_sha256 TEXT COLLATE "C";

-- CRAM-MD5 (RFC 2195): "{CRAM-MD5}" + hex of the HMAC-MD5 outer and inner MD5 states.
ALTER TABLE accounts ADD COLUMN cram_md5 TEXT COLLATE "C";
