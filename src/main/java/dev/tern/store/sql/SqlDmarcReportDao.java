package dev.tern.store.sql;

import dev.tern.store.DmarcReportDao;
import dev.tern.store.Rows;

import java.util.List;

final class SqlDmarcReportDao implements DmarcReportDao {

    private final Jdbc db;

    SqlDmarcReportDao(Jdbc db) {
        this.db = db;
    }

    @Override
    public void add(List<Rows.DmarcReportRow> rows) {
        for (Rows.DmarcReportRow r : rows) {
            db.update("INSERT INTO dmarc_report_rows (day, policy_domain, row_key, policy, record, messages) "
                            + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (day, policy_domain, row_key) "
                            + "DO UPDATE SET messages = dmarc_report_rows.messages + excluded.messages",
                    r.day(), r.policyDomain(), SqlTlsReportDao.sha256(r.policy() + "\n\n" + r.record()), r.policy(),
                    r.record(), r.messages());
        }
    }

    @Override
    public List<String[]> pending(String day, int limit) {
        return db.query("SELECT DISTINCT day, policy_domain FROM dmarc_report_rows WHERE day < ? "
                        + "ORDER BY day, policy_domain LIMIT ?",
                rs -> new String[]{rs.getString("day"), rs.getString("policy_domain")}, day, limit);
    }

    @Override
    public int purge(String day, int limit) {
        return db.update("DELETE FROM dmarc_report_rows WHERE (day, policy_domain, row_key) IN "
                + "(SELECT day, policy_domain, row_key FROM dmarc_report_rows WHERE day < ? LIMIT ?)", day, limit);
    }

    @Override
    public java.util.Optional<Rows.DmarcReportRow> any(String day, String domain) {
        return db.one("SELECT day, policy_domain, policy, record, messages FROM dmarc_report_rows "
                        + "WHERE day = ? AND policy_domain = ? ORDER BY row_key LIMIT 1",
                rs -> new Rows.DmarcReportRow(rs.getString("day"), rs.getString("policy_domain"), rs.getString("policy"),
                        rs.getString("record"), rs.getLong("messages")), day, domain);
    }

    @Override
    public List<Rows.DmarcReportRow> take(String day, String domain) {
        List<Rows.DmarcReportRow> rows = db.query("SELECT day, policy_domain, policy, record, messages FROM dmarc_report_rows "
                        + "WHERE day = ? AND policy_domain = ? ORDER BY row_key",
                rs -> new Rows.DmarcReportRow(rs.getString("day"), rs.getString("policy_domain"), rs.getString("policy"),
                        rs.getString("record"), rs.getLong("messages")), day, domain);
        db.update("DELETE FROM dmarc_report_rows WHERE day = ? AND policy_domain = ?", day, domain);
        return rows;
    }
}
