package dev.tern.imap.protocol;

import java.time.LocalDate;
import java.util.List;

/**
 * One search criterion of SEARCH / SORT (RFC 9051 §6.4.4, RFC 3501 §6.4.4), after parsing.
 * Keys that are shorthands are expanded by the parser: {@code FROM x} is
 * {@code HEADER From x}, {@code SEEN} is {@code Flag(\Seen, true)}, {@code NEW} is
 * {@code RECENT UNSEEN}, {@code OLD} is {@code NOT RECENT}, {@code KEYWORD k} is
 * {@code Flag(k, true)}. A list of keys is their conjunction ({@link And}).
 */
public sealed interface SearchKey {

    /** ALL. */
    record All() implements SearchKey {
    }

    /** A sequence set of message sequence numbers ({@code 1:5}, {@code $}). */
    record Sequence(SequenceSet set) implements SearchKey {
    }

    /** {@code UID set}. */
    record Uid(SequenceSet set) implements SearchKey {
    }

    /** A system flag ({@code \Seen}) or keyword, present or absent. */
    record Flag(String flag, boolean present) implements SearchKey {
    }

    /** The internal date, the Date: field, or the save date (RFC 8514: the internal date when it is not known). */
    enum DateField { INTERNAL, SENT, SAVED }

    enum DateComparison { BEFORE, ON, SINCE }

    /**
     * BEFORE/ON/SINCE (internal date), SENTBEFORE/SENTON/SENTSINCE (Date: header) and
     * SAVEDBEFORE/SAVEDON/SAVEDSINCE (save date).
     */
    record Date(DateField field, DateComparison comparison, LocalDate date) implements SearchKey {
    }

    /** OLDER/YOUNGER (RFC 5032 WITHIN): internal date more/less than {@code seconds} ago. */
    record Age(boolean older, long seconds) implements SearchKey {
    }

    /** LARGER / SMALLER: RFC822.SIZE strictly greater / smaller than {@code octets}. */
    record Size(boolean larger, long octets) implements SearchKey {
    }

    /**
     * HEADER name value, and FROM/TO/CC/BCC/SUBJECT. Case-insensitive substring of the decoded
     * field value; an empty value matches every message that has the field.
     */
    record Header(String field, String value) implements SearchKey {
    }

    /** BODY (body only) or TEXT (header and body): case-insensitive substring. */
    record Text(boolean bodyOnly, String value) implements SearchKey {
    }

    /** MODSEQ (RFC 7162 §3.1.5): the message's mod-sequence is at least {@code modSeq}. */
    record ModSeq(long modSeq, String entryName, String entryType) implements SearchKey {
    }

    /** RFC 8474 §6: messages whose EMAILID is {@code id}. */
    record EmailId(String id) implements SearchKey {
    }

    /** RFC 8474 §6: messages whose THREADID is {@code id}; none, as no message has one. */
    record ThreadId(String id) implements SearchKey {
    }

    record Not(SearchKey key) implements SearchKey {
    }

    record Or(SearchKey left, SearchKey right) implements SearchKey {
    }

    /** A parenthesised list, or the top-level list of a SEARCH command. */
    record And(List<SearchKey> keys) implements SearchKey {
        public And {
            keys = List.copyOf(keys);
        }
    }
}
