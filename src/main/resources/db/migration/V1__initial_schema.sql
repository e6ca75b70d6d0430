-- Tern's metadata: the directory (domains, accounts, aliases), the queue, and the mailboxes.
-- Message contents live in the blob store; rows here refer to them by blob id.
-- Times are milliseconds since the epoch (UTC).

CREATE TABLE domains (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,   -- lower case, IDNA A-labels
    catch_all   TEXT,                      -- address that takes mail for unknown local parts, or NULL
    created_at  BIGINT  NOT NULL
);

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    address       TEXT    NOT NULL UNIQUE, -- lookup key: local part lower case @ A-label domain
    display       TEXT    NOT NULL,        -- the address as it was created (case, UTF-8 domain)
    domain_id     INTEGER NOT NULL REFERENCES domains(id),
    password_hash TEXT,
    enabled       INTEGER NOT NULL DEFAULT 1,
    created_at    BIGINT  NOT NULL
);

CREATE TABLE aliases (
    address    TEXT    NOT NULL,           -- lookup key, as accounts.address
    target     TEXT    NOT NULL,           -- an address, local or remote
    domain_id  INTEGER NOT NULL REFERENCES domains(id),
    PRIMARY KEY (address, target)
);

-- One row per stored message content; refs counts the queue entry and mailbox messages using it.
-- Small contents are kept here (data), committed with the queue entry in one transaction; larger
-- ones are in the blob store and data is NULL.
CREATE TABLE blobs (
    id    TEXT    PRIMARY KEY,
    size  BIGINT  NOT NULL,
    refs  INTEGER NOT NULL,
    data  BLOB
);

CREATE TABLE queue_messages (
    id              TEXT    PRIMARY KEY,   -- the queue id shown in logs and Received headers
    blob_id         TEXT    NOT NULL REFERENCES blobs(id),
    sender          TEXT,                  -- NULL for the null reverse path <>
    size            BIGINT  NOT NULL,
    body_type       TEXT    NOT NULL,
    smtputf8        INTEGER NOT NULL,
    dsn_ret         TEXT,
    dsn_envid       TEXT,
    client_address  TEXT,
    client_helo     TEXT,
    auth_user       TEXT,
    listener        TEXT,
    received_at     BIGINT  NOT NULL,
    held            INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE queue_recipients (
    id              INTEGER PRIMARY KEY,
    message_id      TEXT    NOT NULL REFERENCES queue_messages(id),
    address         TEXT    NOT NULL,      -- as the client gave it
    dsn_notify      TEXT,                  -- comma-separated NOTIFY values
    dsn_orcpt       TEXT,
    state           TEXT    NOT NULL,      -- queued | deferred | delivered | bounced | expired
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    last_error      TEXT,
    updated_at      BIGINT  NOT NULL
);
CREATE INDEX queue_recipients_by_message ON queue_recipients (message_id);
CREATE INDEX queue_recipients_due ON queue_recipients (state, next_attempt_at);

CREATE TABLE mailboxes (
    id              INTEGER PRIMARY KEY,
    account_id      INTEGER NOT NULL REFERENCES accounts(id),
    name            TEXT    NOT NULL,
    uidvalidity     BIGINT  NOT NULL,
    uidnext         BIGINT  NOT NULL,
    highest_modseq  BIGINT  NOT NULL,
    special_use     TEXT,
    subscribed      INTEGER NOT NULL DEFAULT 1,
    UNIQUE (account_id, name)
);

CREATE TABLE messages (
    id             INTEGER PRIMARY KEY,
    mailbox_id     INTEGER NOT NULL REFERENCES mailboxes(id),
    uid            BIGINT  NOT NULL,
    blob_id        TEXT    NOT NULL REFERENCES blobs(id),
    header_prefix  TEXT    NOT NULL,       -- Return-Path and Delivered-To, written before the blob
    size           BIGINT  NOT NULL,       -- prefix + blob, in octets
    internal_date  BIGINT  NOT NULL,
    flags          TEXT    NOT NULL DEFAULT '',
    modseq         BIGINT  NOT NULL,
    UNIQUE (mailbox_id, uid)
);
