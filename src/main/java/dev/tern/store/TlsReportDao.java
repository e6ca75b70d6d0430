package dev.tern.store;

import java.util.List;

/** Outbound TLS sessions counted per day for SMTP TLS reports (RFC 8460), until the day's report is made. */
public interface TlsReportDao {

    /** Adds these counts to the stored ones (same day, domain, policy, result and hosts), or stores them. */
    void add(List<Rows.TlsReportCount> counts);

    /** Recipient domains with counts from days before {@code day} (YYYY-MM-DD), oldest day first: [day, domain] pairs. */
    List<String[]> pending(String day, int limit);

    /** Deletes at most {@code limit} counts of days before {@code day} (YYYY-MM-DD); returns how many. */
    int purge(String day, int limit);

    /** The counts of one day and domain, deleted in the same transaction: whoever takes them reports them. */
    List<Rows.TlsReportCount> take(String day, String domain);
}
