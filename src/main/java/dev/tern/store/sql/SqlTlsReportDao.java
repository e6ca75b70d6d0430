package dev.tern.store.sql;

import dev.tern.store.Rows;
import dev.tern.store.TlsReportDao;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

final class SqlTlsReportDao implements TlsReportDao {

    private final Jdbc db;

    SqlTlsReportDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public void add(List<Rows.TlsReportCount> counts) {
        for (Rows.TlsReportCount c : counts) {
            db.update("INSERT INTO tls_report_counts (day, policy_domain, policy_key, result_type, sending_ip, "
                            + "receiving_mx, receiving_ip, policy_type, policy_string, mx_host, sessions) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                            + "ON CONFLICT (day, policy_domain, policy_key, result_type, sending_ip, receiving_mx, receiving_ip) "
                            + "DO UPDATE SET sessions = tls_report_counts.sessions + excluded.sessions",
                    c.day(), c.policyDomain(), policyKey(c), c.resultType(), c.sendingIp(), c.receivingMx(),
                    c.receivingIp(), c.policyType(), c.policyString(), c.mxHost(), c.sessions());
        }
    }

    @Override
    public List<String[]> pending(String day, int limit) {
        return db.query("SELECT DISTINCT day, policy_domain FROM tls_report_counts WHERE day < ? "
                        + "ORDER BY day, policy_domain LIMIT ?",
                rs -> new String[]{rs.getString("day"), rs.getString("policy_domain")}, day, limit);
    }

    @Override
    public int purge(String day, int limit) {
        return db.update("DELETE FROM tls_report_counts WHERE (day, policy_domain, policy_key, result_type, sending_ip, "
                + "receiving_mx, receiving_ip) IN (SELECT day, policy_domain, policy_key, result_type, sending_ip, "
                + "receiving_mx, receiving_ip FROM tls_report_counts WHERE day < ? LIMIT ?)", day, limit);
    }

    @Override
    public List<Rows.TlsReportCount> take(String day, String domain) {
        List<Rows.TlsReportCount> counts = db.query("SELECT day, policy_domain, policy_type, policy_string, mx_host, "
                        + "result_type, sending_ip, receiving_mx, receiving_ip, sessions FROM tls_report_counts "
                        + "WHERE day = ? AND policy_domain = ? ORDER BY policy_key, result_type, receiving_mx, receiving_ip, sending_ip",
                rs -> new Rows.TlsReportCount(rs.getString("day"), rs.getString("policy_domain"),
                        rs.getString("policy_type"), rs.getString("policy_string"), rs.getString("mx_host"),
                        rs.getString("result_type"), rs.getString("sending_ip"), rs.getString("receiving_mx"),
                        rs.getString("receiving_ip"), rs.getLong("sessions")), day, domain);
        db.update("DELETE FROM tls_report_counts WHERE day = ? AND policy_domain = ?", day, domain);
        return counts;
    }

    /** The policy's identity in the key: its text can be long, a hash of it is not. */
    private static String policyKey(Rows.TlsReportCount c) {
        return sha256(c.policyType() + "\n\n" + c.policyString() + "\n\n" + c.mxHost());
    }

    /** Hex SHA-256 of a text: a key for texts too long for an index entry (PostgreSQL limits them). */
    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
