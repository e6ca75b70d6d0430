-- Greylist triplets by (passed, last_seen) for the purge; as db/migration/V20.
CREATE INDEX greylist_triplets_expiry ON greylist_triplets (passed, last_seen);
DROP INDEX greylist_triplets_last_seen;
