package dev.tern.imap.protocol;

import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A parsed SEARCH criterion compiled into a test over {@link MessageView}s. Pure: the session
 * supplies the messages and the {@link Context} (largest numbers for {@code *}, the saved result
 * for {@code $}, the current time for OLDER/YOUNGER).
 *
 * <p>Within a conjunction, keys are tested cheapest first (flags, numbers, dates; then header
 * fields; then body text), so a message's text is only decoded when everything else matched.
 * Semantics, per RFC 9051 §6.4.4: date keys compare calendar dates, ignoring time and zone (the
 * internal date in the server's zone, the Date: field in its own); LARGER/SMALLER are strict;
 * string keys are case-insensitive substrings of decoded text ({@link SearchText}); HEADER with
 * an empty string matches every message that has the field.
 */
public final class SearchProgram {

    /**
     * @param largestSequence the number {@code *} stands for among sequence numbers
     * @param largestUid      the number {@code *} stands for among UIDs
     * @param savedUids       the UIDs of the saved result {@code $} (RFC 5182), empty if none
     */
    public record Context(long largestSequence, long largestUid, Set<Long> savedUids, Instant now) {
    }

    private interface Test {
        boolean matches(MessageView m, Context c);
    }

    /** Cost classes, cheapest first. */
    private static final int CHEAP = 0;
    private static final int HEADER = 1;
    private static final int TEXT = 2;

    private record Compiled(Test test, int cost) {
    }

    private final Test test;
    private final boolean usesModSeq;
    private final boolean onlyUnseen;

    private SearchProgram(Test test, boolean usesModSeq, boolean onlyUnseen) {
        this.test = test;
        this.usesModSeq = usesModSeq;
        this.onlyUnseen = onlyUnseen;
    }

    public static SearchProgram compile(SearchKey key) {
        boolean[] modSeq = {false};
        Compiled compiled = compile(key, modSeq);
        return new SearchProgram(compiled.test, modSeq[0], onlyUnseen(key));
    }

    /**
     * Every message the criteria match lacks {@code \Seen} (UNSEEN, NOT SEEN, or either among
     * the keys of a list): a mailbox may then skip the messages it knows are all seen.
     */
    public boolean matchesOnlyUnseen() {
        return onlyUnseen;
    }

    private static boolean onlyUnseen(SearchKey key) {
        if (key instanceof SearchKey.Flag f) {
            return !f.present() && f.flag().equalsIgnoreCase("\\Seen");
        }
        if (key instanceof SearchKey.Not n && n.key() instanceof SearchKey.Flag f) {
            return f.present() && f.flag().equalsIgnoreCase("\\Seen");
        }
        if (key instanceof SearchKey.And a) {
            return a.keys().stream().anyMatch(SearchProgram::onlyUnseen);
        }
        return false;
    }

    public boolean matches(MessageView message, Context context) {
        return test.matches(message, context);
    }

    /** A predicate for stream filtering. */
    public Predicate<MessageView> matcher(Context context) {
        return m -> test.matches(m, context);
    }

    /** The criteria use MODSEQ: the response then reports the highest mod-sequence (RFC 7162 §3.1.5). */
    public boolean usesModSeq() {
        return usesModSeq;
    }

    private static Compiled compile(SearchKey key, boolean[] modSeq) {
        if (key instanceof SearchKey.All) {
            return new Compiled((m, c) -> true, CHEAP);
        }
        if (key instanceof SearchKey.Sequence s) {
            SequenceSet set = s.set();
            return new Compiled((m, c) -> set.saved() ? c.savedUids().contains(m.uid())
                    : set.contains(m.sequenceNumber(), c.largestSequence()), CHEAP);
        }
        if (key instanceof SearchKey.Uid u) {
            SequenceSet set = u.set();
            return new Compiled((m, c) -> set.saved() ? c.savedUids().contains(m.uid())
                    : set.contains(m.uid(), c.largestUid()), CHEAP);
        }
        if (key instanceof SearchKey.Flag f) {
            String flag = f.flag();
            boolean present = f.present();
            if (flag.equalsIgnoreCase("\\Recent")) {    // RECENT, NEW, OLD: decided once, not per message
                return new Compiled((m, c) -> m.recent() == present, CHEAP);
            }
            return new Compiled((m, c) -> m.hasFlag(flag) == present, CHEAP);
        }
        if (key instanceof SearchKey.Size s) {
            long octets = s.octets();
            return new Compiled(s.larger() ? (m, c) -> m.size() > octets : (m, c) -> m.size() < octets, CHEAP);
        }
        if (key instanceof SearchKey.Age a) {
            long seconds = a.seconds();
            return new Compiled((m, c) -> {
                boolean older = m.internalDate().isBefore(c.now().minusSeconds(seconds))
                        || m.internalDate().equals(c.now().minusSeconds(seconds));
                return a.older() == older;
            }, CHEAP);
        }
        if (key instanceof SearchKey.ModSeq ms) {
            modSeq[0] = true;
            long min = ms.modSeq();
            return new Compiled((m, c) -> m.modSeq() >= min, CHEAP);
        }
        if (key instanceof SearchKey.EmailId e) {
            String id = e.id();
            return new Compiled((m, c) -> id.equals(m.emailId()), CHEAP);
        }
        if (key instanceof SearchKey.ThreadId) {
            return new Compiled((m, c) -> false, CHEAP);   // THREADID is NIL for every message
        }
        if (key instanceof SearchKey.Date d) {
            return date(d);
        }
        if (key instanceof SearchKey.Header h) {
            return header(h);
        }
        if (key instanceof SearchKey.Text t) {
            String needle = SearchText.fold(t.value());
            if (t.bodyOnly()) {
                return new Compiled((m, c) -> SearchText.fold(m.bodyText()).contains(needle), TEXT);
            }
            return new Compiled((m, c) -> SearchText.fold(m.headerText()).contains(needle)
                    || SearchText.fold(m.bodyText()).contains(needle), TEXT);
        }
        if (key instanceof SearchKey.Not n) {
            Compiled inner = compile(n.key(), modSeq);
            return new Compiled((m, c) -> !inner.test.matches(m, c), inner.cost);
        }
        if (key instanceof SearchKey.Or o) {
            Compiled left = compile(o.left(), modSeq);
            Compiled right = compile(o.right(), modSeq);
            Compiled first = left.cost <= right.cost ? left : right;
            Compiled second = first == left ? right : left;
            return new Compiled((m, c) -> first.test.matches(m, c) || second.test.matches(m, c),
                    Math.max(left.cost, right.cost));
        }
        if (key instanceof SearchKey.And a) {
            List<Compiled> parts = new ArrayList<>();
            for (SearchKey k : a.keys()) {
                parts.add(compile(k, modSeq));
            }
            parts.sort(Comparator.comparingInt(Compiled::cost));
            Test[] tests = parts.stream().map(Compiled::test).toArray(Test[]::new);
            int cost = parts.stream().mapToInt(Compiled::cost).max().orElse(CHEAP);
            return new Compiled((m, c) -> {
                for (Test t : tests) {
                    if (!t.matches(m, c)) {
                        return false;
                    }
                }
                return true;
            }, cost);
        }
        throw new IllegalArgumentException("unknown search key " + key);
    }

    private static Compiled date(SearchKey.Date d) {
        LocalDate day = d.date();
        SearchKey.DateComparison cmp = d.comparison();
        if (d.field() == SearchKey.DateField.INTERNAL) {
            return new Compiled((m, c) -> compare(m.internalDateLocal(), cmp, day), CHEAP);
        }
        if (d.field() == SearchKey.DateField.SAVED) {
            return new Compiled((m, c) -> compare(m.savedDateLocal(), cmp, day), CHEAP);
        }
        return new Compiled((m, c) -> {
            List<String> values = m.headerValues("Date");
            LocalDate sent = values.isEmpty() ? null : SentDate.parse(values.get(0));
            return sent != null && compare(sent, cmp, day);
        }, HEADER);
    }

    private static boolean compare(LocalDate date, SearchKey.DateComparison cmp, LocalDate day) {
        return switch (cmp) {
            case BEFORE -> date.isBefore(day);
            case ON -> date.isEqual(day);
            case SINCE -> !date.isBefore(day);
        };
    }

    private static Compiled header(SearchKey.Header h) {
        String field = h.field();
        String needle = SearchText.fold(h.value());
        return new Compiled((m, c) -> {
            List<String> values = m.searchableHeaderValues(field);
            if (needle.isEmpty()) {
                return !values.isEmpty();
            }
            for (String v : values) {
                if (v.contains(needle)) {
                    return true;
                }
            }
            return false;
        }, HEADER);
    }

    /** The calendar date of an RFC 5322 Date: field, read leniently; null when unreadable. */
    static final class SentDate {

        private static final List<String> MONTHS = List.of(
                "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec");

        private SentDate() {
        }

        static LocalDate parse(String value) {
            String s = value.replaceAll("\\([^)]*\\)", " ").strip();
            int comma = s.indexOf(',');
            if (comma >= 0 && comma < 12) {
                s = s.substring(comma + 1);
            }
            String[] tokens = s.strip().split("[\\s-]+");
            if (tokens.length < 3) {
                return null;
            }
            try {
                int day = Integer.parseInt(tokens[0]);
                int month = MONTHS.indexOf(tokens[1].toLowerCase(Locale.ROOT).substring(0, Math.min(3, tokens[1].length()))) + 1;
                int year = Integer.parseInt(tokens[2]);
                if (tokens[2].length() == 2) {
                    year += year < 50 ? 2000 : 1900;
                } else if (tokens[2].length() == 3) {
                    year += 1900;
                }
                return month == 0 ? null : LocalDate.of(year, month, day);
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
