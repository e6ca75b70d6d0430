package dev.tern.imap.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What a {@link SearchProgram} may ask about one message. The session implements it over the
 * mailbox index; the expensive parts (header values, text) are only asked for when a search key
 * needs them, after the cheap keys of the same conjunction have passed.
 */
public interface MessageView {

    long sequenceNumber();

    long uid();

    /** System flags with their backslash ({@code \Seen}), keywords as they are; \Recent included when it applies. */
    Set<String> flags();

    Instant internalDate();

    /** The internal date's calendar date, in the zone the server uses for SEARCH dates. */
    java.time.LocalDate internalDateLocal();

    /**
     * The save date's calendar date (RFC 8514: when the message was put into this mailbox), in the
     * zone of {@link #internalDateLocal}; the internal date's when the save date is not known, as it
     * is here for views that keep none.
     */
    default java.time.LocalDate savedDateLocal() {
        return internalDateLocal();
    }

    long size();

    long modSeq();

    /** RFC 8474: the object id of the message's content. */
    String emailId();

    /** The raw (undecoded, unfolded) values of a header field of the top-level header, in order. */
    List<String> headerValues(String field);

    /** The first of {@link #headerValues}, or an empty string when the field is missing. */
    default String firstHeaderValue(String field) {
        List<String> values = headerValues(field);
        return values.isEmpty() ? "" : values.get(0);
    }

    /**
     * The values of a header field as a string key compares them: decoded (RFC 2047) and folded
     * ({@link SearchText#fold}). An implementation may keep them between searches.
     */
    default List<String> searchableHeaderValues(String field) {
        List<String> raw = headerValues(field);
        List<String> out = new java.util.ArrayList<>(raw.size());
        for (String v : raw) {
            out.add(SearchText.fold(SearchText.decodeHeader(v)));
        }
        return out;
    }

    /**
     * Values derived from the message's header (SORT's keys), which never change for a message: an
     * implementation may keep them between commands under {@code name}. Computed here.
     */
    default List<String> derived(String name, java.util.function.Supplier<List<String>> compute) {
        return compute.get();
    }

    /** Whether the message is {@code \Recent} for this session (RFC 3501 §2.3.2). */
    default boolean recent() {
        return hasFlag("\\Recent");
    }

    /** Whether the message has {@code flag}, a system flag or keyword named without regard to case. */
    default boolean hasFlag(String flag) {
        for (String f : flags()) {
            if (f.equalsIgnoreCase(flag)) {
                return true;
            }
        }
        return false;
    }

    /** The whole top-level header, decoded for search ({@link SearchText#header}). */
    String headerText();

    /** The body text, decoded for search ({@link SearchText#body}); asked for at most once per message. */
    String bodyText();
}
