-- The highest percentage of its quota an account was warned of (docs/quota.md, [quota] warn_at):
-- a warning goes once as the account's usage rises past a level, and again only after the
-- usage fell below it. 0: none.
ALTER TABLE accounts ADD COLUMN quota_warned INTEGER NOT NULL DEFAULT 0;
