-- Received messages counted for the daily DMARC aggregate reports (RFC 7489 §7.2), per UTC day,
-- author's policy domain and report record; a day's rows are removed when its report is made.
CREATE TABLE dmarc_report_rows (
    day           TEXT   NOT NULL,   -- UTC date, YYYY-MM-DD
    policy_domain TEXT   NOT NULL,   -- where the DMARC record was found, A-labels, lower case
    row_key       TEXT   NOT NULL,   -- hex SHA-256 of policy and record
    policy        TEXT   NOT NULL,   -- the record as published (JSON: p, sp, adkim, aspf, pct, rua)
    record        TEXT   NOT NULL,   -- the report record without its count (JSON)
    messages      BIGINT NOT NULL,
    PRIMARY KEY (day, policy_domain, row_key)
);
