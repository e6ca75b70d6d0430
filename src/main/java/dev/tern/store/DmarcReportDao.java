package dev.tern.store;

import java.util.List;

/** Received messages counted per day for DMARC aggregate reports (RFC 7489 §7.2), until the day's report is made. */
public interface DmarcReportDao {

    /** Adds these counts to the stored ones (same day, domain, policy and record), or stores them. */
    void add(List<Rows.DmarcReportRow> rows);

    /** Policy domains with counts from days before {@code day} (YYYY-MM-DD), oldest day first: [day, domain] pairs. */
    List<String[]> pending(String day, int limit);

    /** Deletes at most {@code limit} rows of days before {@code day} (YYYY-MM-DD); returns how many. */
    int purge(String day, int limit);

    /** One row of a day and domain, for its published policy; empty when there is none. */
    java.util.Optional<Rows.DmarcReportRow> any(String day, String domain);

    /** The rows of one day and domain, deleted in the same transaction: whoever takes them reports them. */
    List<Rows.DmarcReportRow> take(String day, String domain);
}
