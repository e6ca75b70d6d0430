-- Received messages counted for the daily DMARC aggregate reports (RFC 7489 §7.2); as db/migration/V25.
CREATE TABLE dmarc_report_rows (
    day           TEXT   COLLATE "C" NOT NULL,   -- UTC date, YYYY-MM-DD
    policy_domain TEXT   COLLATE "C" NOT NULL,   -- where the DMARC record was found, A-labels, lower case
    row_key       TEXT   COLLATE "C" NOT NULL,   -- hex SHA-256 of policy and record
    policy        TEXT   COLLATE "C" NOT NULL,   -- the record as published (JSON: p, sp, adkim, aspf, pct, rua)
    record        TEXT   COLLATE "C" NOT NULL,   -- the report record without its count (JSON)
    messages      BIGINT NOT NULL,
    PRIMARY KEY (day, policy_domain, row_key)
);
