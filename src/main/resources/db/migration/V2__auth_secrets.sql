-- Secrets for the SASL mechanisms that cannot use the Argon2id password hash
-- (see docs/adr/0003-stored-secrets.md). Both are NULL until a password is set with them.

-- SCRAM-SHA-256 (RFC 5802, RFC 7677): "SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>",
-- base64 values (PostgreSQL's format). Not the password; enough to verify a client, not to pose as one.
ALTER TABLE accounts ADD COLUMN scram_sha256 TEXT;

-- CRAM-MD5 (RFC 2195): "{CRAM-MD5}" + hex of the HMAC-MD5 outer and inner MD5 states (Dovecot's
-- format). Password-equivalent: set only for accounts where an operator enabled CRAM-MD5.
ALTER TABLE accounts ADD COLUMN cram_md5 TEXT;
