-- Outbound TLS sessions counted for the daily SMTP TLS reports (RFC 8460); as db/migration/V24.
CREATE TABLE tls_report_counts (
    day           TEXT   COLLATE "C" NOT NULL,   -- UTC date, YYYY-MM-DD
    policy_domain TEXT   COLLATE "C" NOT NULL,   -- A-labels, lower case
    policy_key    TEXT   COLLATE "C" NOT NULL,   -- hex SHA-256 of the policy type, text and MX patterns
    result_type   TEXT   COLLATE "C" NOT NULL,   -- '' for a successful session, else an RFC 8460 §4.3 result type
    sending_ip    TEXT   COLLATE "C" NOT NULL,   -- '' for successful sessions, which are counted per policy only
    receiving_mx  TEXT   COLLATE "C" NOT NULL,
    receiving_ip  TEXT   COLLATE "C" NOT NULL,
    policy_type   TEXT   COLLATE "C" NOT NULL,   -- sts | no-policy-found
    policy_string TEXT   COLLATE "C" NOT NULL,   -- the policy's lines, LF-separated; '' for none
    mx_host       TEXT   COLLATE "C" NOT NULL,   -- the policy's mx patterns, LF-separated; '' for none
    sessions      BIGINT NOT NULL,
    PRIMARY KEY (day, policy_domain, policy_key, result_type, sending_ip, receiving_mx, receiving_ip)
);
