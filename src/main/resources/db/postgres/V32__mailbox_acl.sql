-- Mailboxes shared with other accounts (docs/sharing.md); as db/migration/V32.
CREATE TABLE mailbox_acl (
    mailbox_id  BIGINT  NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    grantee_id  BIGINT  NOT NULL,
    rights      TEXT    COLLATE "C" NOT NULL,
    PRIMARY KEY (mailbox_id, grantee_id)
);
CREATE INDEX mailbox_acl_by_grantee ON mailbox_acl (grantee_id);
