package dev.tern.onboarding;

import java.time.Instant;
import java.util.List;

/**
 * The checks of every record of a domain, at one moment.
 *
 * @param domain     the domain, A-labels
 * @param checks     one per record, in the order {@code tern domain show} lists them
 * @param verifiedAt when the domain's ownership was verified (by this check or an earlier one),
 *                   or null while it is not
 */
public record VerificationReport(String domain, List<RecordCheck> checks, Instant verifiedAt) {

    public VerificationReport {
        checks = List.copyOf(checks);
    }

    /** Every record is published as expected. */
    public boolean complete() {
        return checks.stream().allMatch(c -> c.status() == RecordCheck.Status.FOUND);
    }

    public boolean ownershipVerified() {
        return verifiedAt != null;
    }

    /** How many checks ended with this status. */
    public long count(RecordCheck.Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }
}
