-- Greylisting (RFC 6647). A triplet is (client network, envelope sender, envelope recipient); mail
-- with a new triplet is deferred until the sender retries after the delay. Rows that never passed
-- expire after the retry window, passed ones after a long idle time; the server purges them.
CREATE TABLE greylist_triplets (
    client_network TEXT    NOT NULL,          -- CIDR: IPv4 /24, IPv6 /64
    sender         TEXT    NOT NULL,          -- lower case; '' for the null reverse-path
    recipient      TEXT    NOT NULL,          -- lower case
    first_seen     BIGINT  NOT NULL,          -- start of the current round, epoch ms
    last_seen      BIGINT  NOT NULL,          -- passed: last use; else first_seen
    passed         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_network, sender, recipient)
);
CREATE INDEX greylist_triplets_last_seen ON greylist_triplets (last_seen);

-- Client networks whose triplets passed: after a few, the network is no longer greylisted.
CREATE TABLE greylist_networks (
    client_network TEXT    NOT NULL PRIMARY KEY,
    passed         INTEGER NOT NULL,          -- triplets passed since the count last expired
    last_seen      BIGINT  NOT NULL           -- epoch ms
);
CREATE INDEX greylist_networks_last_seen ON greylist_networks (last_seen);
