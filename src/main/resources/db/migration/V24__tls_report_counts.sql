-- Outbound TLS sessions counted for the daily SMTP TLS reports (RFC 8460), per UTC day, recipient
-- domain, policy and result; a day's rows are removed when its report is made.
CREATE TABLE tls_report_counts (
    day           TEXT   NOT NULL,   -- UTC date, YYYY-MM-DD
    policy_domain TEXT   NOT NULL,   -- A-labels, lower case
    policy_key    TEXT   NOT NULL,   -- hex SHA-256 of the policy type, text and MX patterns
    result_type   TEXT   NOT NULL,   -- '' for a successful session, else an RFC 8460 §4.3 result type
    sending_ip    TEXT   NOT NULL,   -- '' for successful sessions, which are counted per policy only
    receiving_mx  TEXT   NOT NULL,
    receiving_ip  TEXT   NOT NULL,
    policy_type   TEXT   NOT NULL,   -- sts | no-policy-found
    policy_string TEXT   NOT NULL,   -- the policy's lines, LF-separated; '' for none
    mx_host       TEXT   NOT NULL,   -- the policy's mx patterns, LF-separated; '' for none
    sessions      BIGINT NOT NULL,
    PRIMARY KEY (day, policy_domain, policy_key, result_type, sending_ip, receiving_mx, receiving_ip)
);
