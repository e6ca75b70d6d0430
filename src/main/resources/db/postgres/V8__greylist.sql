-- Greylisting (RFC 6647); as db/migration/V8.
CREATE TABLE greylist_triplets (
    client_network TEXT    COLLATE "C" NOT NULL,  -- CIDR: IPv4 /24, IPv6 /64
    sender         TEXT    COLLATE "C" NOT NULL,  -- lower case; '' for the null reverse-path
    recipient      TEXT    COLLATE "C" NOT NULL,  -- lower case
    first_seen     BIGINT  NOT NULL,              -- start of the current round, epoch ms
    last_seen      BIGINT  NOT NULL,              -- passed: last use; else first_seen
    passed         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (client_network, sender, recipient)
);
CREATE INDEX greylist_triplets_last_seen ON greylist_triplets (last_seen);

CREATE TABLE greylist_networks (
    client_network TEXT    COLLATE "C" NOT NULL PRIMARY KEY,
    passed         INTEGER NOT NULL,              -- triplets passed since the count last expired
    last_seen      BIGINT  NOT NULL               -- epoch ms
);
CREATE INDEX greylist_networks_last_seen ON greylist_networks (last_seen);
