package dev.tern.imap.protocol;

import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Parses the search keys of SEARCH and SORT (RFC 9051 §6.4.4, RFC 3501 §6.4.4, RFC 7162 MODSEQ,
 * RFC 5032 OLDER/YOUNGER, RFC 5182 {@code $}). Strings are decoded with the command's CHARSET.
 * Nesting (parentheses, NOT, OR) is limited to {@value #MAX_DEPTH} levels so a hostile command
 * cannot exhaust the stack.
 */
final class SearchCriteriaParser {

    static final int MAX_DEPTH = 64;

    private final CommandReader reader;
    private final Charset charset;

    SearchCriteriaParser(CommandReader reader, Charset charset) {
        this.reader = reader;
        this.charset = charset;
    }

    /** One or more keys separated by spaces, up to the end of the command. */
    SearchKey criteria() {
        List<SearchKey> keys = new ArrayList<>();
        keys.add(key(0));
        while (!reader.atEnd()) {
            reader.space();
            keys.add(key(0));
        }
        return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
    }

    private SearchKey key(int depth) {
        if (depth > MAX_DEPTH) {
            throw new ParseFailure("Search criteria nested too deeply");
        }
        int c = reader.peek();
        if (c == '(') {
            reader.tryChar('(');
            List<SearchKey> keys = new ArrayList<>();
            keys.add(key(depth + 1));
            while (!reader.tryChar(')')) {
                reader.space();
                keys.add(key(depth + 1));
            }
            return keys.size() == 1 ? keys.get(0) : new SearchKey.And(keys);
        }
        if ((c >= '0' && c <= '9') || c == '*' || c == '$') {
            return new SearchKey.Sequence(reader.sequenceSet());
        }
        String name = reader.atom("a search key").toUpperCase(Locale.ROOT);
        switch (name) {
            case "ALL":
            case "SAVEDATESUPPORTED":   // RFC 8514 §4.3: every mailbox keeps save dates
                return new SearchKey.All();
            case "ANSWERED": case "DELETED": case "DRAFT": case "FLAGGED": case "RECENT": case "SEEN":
                return new SearchKey.Flag(systemFlag(name), true);
            case "UNANSWERED": case "UNDELETED": case "UNDRAFT": case "UNFLAGGED": case "UNSEEN":
                return new SearchKey.Flag(systemFlag(name.substring(2)), false);
            case "NEW":
                return new SearchKey.And(List.of(new SearchKey.Flag("\\Recent", true), new SearchKey.Flag("\\Seen", false)));
            case "OLD":
                return new SearchKey.Flag("\\Recent", false);
            case "KEYWORD":
                reader.space();
                return new SearchKey.Flag(reader.atom("a keyword"), true);
            case "UNKEYWORD":
                reader.space();
                return new SearchKey.Flag(reader.atom("a keyword"), false);
            case "BCC": case "CC": case "FROM": case "SUBJECT": case "TO":
                reader.space();
                return new SearchKey.Header(fieldName(name), text());
            case "HEADER": {
                reader.space();
                String field = reader.astring("a header field name");
                reader.space();
                return new SearchKey.Header(field, text());
            }
            case "BODY":
                reader.space();
                return new SearchKey.Text(true, text());
            case "TEXT":
                reader.space();
                return new SearchKey.Text(false, text());
            case "BEFORE": case "ON": case "SINCE":
                reader.space();
                return new SearchKey.Date(SearchKey.DateField.INTERNAL, SearchKey.DateComparison.valueOf(name), date());
            case "SENTBEFORE": case "SENTON": case "SENTSINCE":
                reader.space();
                return new SearchKey.Date(SearchKey.DateField.SENT,
                        SearchKey.DateComparison.valueOf(name.substring(4)), date());
            case "SAVEDBEFORE": case "SAVEDON": case "SAVEDSINCE":
                reader.space();
                return new SearchKey.Date(SearchKey.DateField.SAVED,
                        SearchKey.DateComparison.valueOf(name.substring(5)), date());
            case "LARGER":
                reader.space();
                return new SearchKey.Size(true, reader.number("a size"));
            case "SMALLER":
                reader.space();
                return new SearchKey.Size(false, reader.number("a size"));
            case "OLDER": case "YOUNGER":
                reader.space();
                return new SearchKey.Age(name.equals("OLDER"), reader.nzNumber("an interval"));
            case "UID":
                reader.space();
                return new SearchKey.Uid(reader.sequenceSet());
            case "EMAILID":
                reader.space();
                return new SearchKey.EmailId(objectId());
            case "THREADID":
                reader.space();
                return new SearchKey.ThreadId(objectId());
            case "NOT":
                reader.space();
                return new SearchKey.Not(key(depth + 1));
            case "OR": {
                reader.space();
                SearchKey left = key(depth + 1);
                reader.space();
                return new SearchKey.Or(left, key(depth + 1));
            }
            case "MODSEQ":
                return modSeq();
            default:
                throw new ParseFailure("Unknown search key " + name);
        }
    }

    /** {@code MODSEQ [entry-name entry-type-req] mod-sequence-valzer} (RFC 7162 §3.1.5). */
    private SearchKey modSeq() {
        reader.space();
        String entryName = null;
        String entryType = null;
        if (reader.peek() == '"') {
            entryName = reader.string("a metadata entry name");
            reader.space();
            entryType = reader.atom("an entry type (priv, shared or all)").toLowerCase(Locale.ROOT);
            if (!entryType.equals("priv") && !entryType.equals("shared") && !entryType.equals("all")) {
                throw new ParseFailure("Entry type must be priv, shared or all");
            }
            reader.space();
        }
        return new SearchKey.ModSeq(reader.number("a mod-sequence"), entryName, entryType);
    }

    private String text() {
        return CommandReader.decode(reader.astringBytes("a search string"), charset, "a search string");
    }

    /** RFC 8474 §7: objectid = 1*255(ALPHA / DIGIT / "_" / "-"). */
    private String objectId() {
        String id = reader.atom("an object id");
        if (id.length() > 255 || !id.matches("[A-Za-z0-9_-]+")) {
            throw new ParseFailure("Invalid object id");
        }
        return id;
    }

    private java.time.LocalDate date() {
        String text = reader.peek() == '"' ? reader.string("a date") : reader.atom("a date");
        try {
            return ImapDates.parseDate(text);
        } catch (IllegalArgumentException e) {
            throw new ParseFailure("Invalid date: " + e.getMessage());
        }
    }

    private static String systemFlag(String name) {
        return "\\" + name.charAt(0) + name.substring(1).toLowerCase(Locale.ROOT);
    }

    /** {@code SUBJECT} searches the {@code Subject} field. */
    private static String fieldName(String key) {
        return key.charAt(0) + key.substring(1).toLowerCase(Locale.ROOT);
    }
}
