-- The purge deletes triplets that never passed and went quiet (hours) separately from passed ones
-- idle for long (weeks). On last_seen alone, the first walked every passed triplet idle for more
-- than the few hours too: 0.3 s on the store's writer per piece with a million triplets. The SQL
-- runs on SQLite and PostgreSQL alike.
CREATE INDEX greylist_triplets_expiry ON greylist_triplets (passed, last_seen);
DROP INDEX greylist_triplets_last_seen;
