-- The server certificate an ACME CA issued ([acme]), kept where every node of the store finds it,
-- the key of the account it was ordered with,
-- the answers to the CA's http-01 challenges while an order runs (whichever node the CA reaches
-- answers them), and which node runs the order.
CREATE TABLE acme_certificates (
    id        TEXT   NOT NULL PRIMARY KEY,   -- 'server': one certificate for every listener
    chain_pem TEXT   NOT NULL,               -- the chain, PEM, leaf first
    key_pem   TEXT   NOT NULL,               -- its private key, PKCS#8 PEM
    not_after BIGINT NOT NULL,               -- epoch ms
    stored_at BIGINT NOT NULL                -- epoch ms
);
CREATE TABLE acme_challenges (
    token             TEXT   NOT NULL PRIMARY KEY,
    key_authorization TEXT   NOT NULL,
    expires_at        BIGINT NOT NULL        -- epoch ms
);
CREATE TABLE acme_order_locks (
    id         TEXT   NOT NULL PRIMARY KEY,  -- 'server'
    owner      TEXT   NOT NULL,              -- the node that orders
    expires_at BIGINT NOT NULL               -- epoch ms
);
CREATE TABLE acme_accounts (
    directory  TEXT   NOT NULL PRIMARY KEY,  -- the CA's directory URL: one account per CA
    key_pem    TEXT   NOT NULL,              -- the account's key pair, PEM
    created_at BIGINT NOT NULL               -- epoch ms
);
