package dev.tern.onboarding;

import dev.tern.directory.DnsRecords;

import java.util.List;
import java.util.Locale;

/**
 * What DNS says about one record a domain should publish.
 *
 * @param record    the record, as {@code tern domain show} prints it
 * @param status    found, missing, different, or error
 * @param published what DNS has at the record's name, each value in text form; empty when nothing
 * @param expected  what should be there, in words where the value alone would not say it
 * @param detail    why the status is what it is, in words for a person
 */
public record RecordCheck(DnsRecords.Record record, Status status, List<String> published, String expected,
                          String detail) {

    public RecordCheck {
        published = List.copyOf(published);
    }

    /** The outcome of one check. */
    public enum Status {
        /** Published as expected (or equivalently). */
        FOUND,
        /** Nothing of the kind at that name. */
        MISSING,
        /** Something else is published there: see {@code published} and {@code expected}. */
        DIFFERENT,
        /** DNS gave no usable answer (timeout, SERVFAIL): try again later. */
        ERROR;

        /** The status as printed: "found", "missing", "different", "error". */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }
}
