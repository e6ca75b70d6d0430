-- Mailboxes shared with other accounts (RFC 4314 access control lists; docs/sharing.md). One row
-- per mailbox and grantee: an account, or 0 for "anyone", every account of the owner's domain.
-- The owner's own rights are implicit and never stored.
CREATE TABLE mailbox_acl (
    mailbox_id  INTEGER NOT NULL REFERENCES mailboxes(id) ON DELETE CASCADE,
    grantee_id  INTEGER NOT NULL,
    rights      TEXT    NOT NULL,
    PRIMARY KEY (mailbox_id, grantee_id)
);
CREATE INDEX mailbox_acl_by_grantee ON mailbox_acl (grantee_id);
