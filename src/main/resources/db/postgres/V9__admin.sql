-- The admin listener: its accounts, their login sessions, and API tokens; as db/migration/V9.

CREATE TABLE admin_users (
    name           TEXT    COLLATE "C" NOT NULL PRIMARY KEY,  -- the login name, lower case
    password_hash  TEXT    COLLATE "C" NOT NULL,              -- Argon2id, PHC string
    created_at     BIGINT  NOT NULL
);

CREATE TABLE admin_sessions (
    id          TEXT    COLLATE "C" NOT NULL PRIMARY KEY,     -- hex SHA-256 of the cookie value
    admin_name  TEXT    COLLATE "C" NOT NULL REFERENCES admin_users(name) ON DELETE CASCADE,
    csrf_token  TEXT    COLLATE "C" NOT NULL,
    created_at  BIGINT  NOT NULL,
    expires_at  BIGINT  NOT NULL
);
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);
CREATE INDEX admin_sessions_admin ON admin_sessions (admin_name);

CREATE TABLE api_tokens (
    id            TEXT    COLLATE "C" NOT NULL PRIMARY KEY,   -- public id, shown in lists and used to revoke
    name          TEXT    COLLATE "C" NOT NULL,
    secret_hash   TEXT    COLLATE "C" NOT NULL UNIQUE,        -- hex SHA-256 of the token as the client sends it
    scopes        TEXT    COLLATE "C" NOT NULL,
    domains       TEXT    COLLATE "C",                        -- NULL: all
    created_by    TEXT    COLLATE "C" NOT NULL,
    created_at    BIGINT  NOT NULL,
    last_used_at  BIGINT,
    expires_at    BIGINT                                      -- NULL: never
);
