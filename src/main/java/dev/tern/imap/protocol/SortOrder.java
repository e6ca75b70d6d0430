package dev.tern.imap.protocol;

import org.apache.james.mime4j.codec.DecodeMonitor;
import org.apache.james.mime4j.dom.field.DateTimeField;
import org.apache.james.mime4j.field.DateTimeFieldLenientImpl;
import org.apache.james.mime4j.stream.RawField;

import java.time.Instant;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

/**
 * The order SORT puts messages in (RFC 5256 §3, RFC 5957 DISPLAYFROM and DISPLAYTO): each
 * message's keys are read once, then compared criterion by criterion; messages equal in every
 * key stay in UID order, which is their sequence order in any view. Strings compare as the
 * i;unicode-casemap collation says ({@link #collationForm}). A message's keys never change (its
 * content and internal date are fixed), so an order computed once stays right for the messages
 * it has.
 */
public final class SortOrder {

    /**
     * A message's keys, in the order of the criteria. {@code first} orders the first key as far as
     * 64 bits can, compared unsigned: most comparisons end there, without following the keys'
     * references (a sort of 10,000 messages makes about 130,000 comparisons).
     */
    public record Keys(long uid, long first, Object[] values) {

        /** About what the keys hold in memory, in bytes, strings included. */
        public long bytes() {
            long n = 48 + 8L * values.length;
            for (Object v : values) {
                n += v instanceof Text t ? 40 + 2L * t.s().length() : 16;
            }
            return n;
        }
    }

    private final List<ImapCommand.SortCriterion> criteria;

    public SortOrder(List<ImapCommand.SortCriterion> criteria) {
        this.criteria = List.copyOf(criteria);
    }

    /** The criteria as the protocol writes them, e.g. {@code REVERSE DATE SUBJECT}: one order, one name. */
    public String name() {
        StringBuilder b = new StringBuilder();
        for (ImapCommand.SortCriterion c : criteria) {
            if (!b.isEmpty()) {
                b.append(' ');
            }
            b.append(c.reverse() ? "REVERSE " : "").append(c.key());
        }
        return b.toString();
    }

    public Keys keys(MessageView m) {
        Object[] values = new Object[criteria.size()];
        for (int i = 0; i < values.length; i++) {
            ImapCommand.SortKey key = criteria.get(i).key();
            values[i] = switch (key) {
                case ARRIVAL -> m.internalDate().toEpochMilli();
                case SIZE -> m.size();
                case DATE -> sentDate(m);
                default -> Text.of(derived(m, key, () -> collationForm(switch (key) {
                    case SUBJECT -> BaseSubject.of(SearchText.decodeHeader(m.firstHeaderValue("Subject")));
                    case FROM -> addrMailbox(m, "From");
                    case TO -> addrMailbox(m, "To");
                    case CC -> addrMailbox(m, "Cc");
                    case DISPLAYFROM -> displayName(m, "From");
                    default -> displayName(m, "To");
                })));
            };
        }
        return new Keys(m.uid(), firstBits(values[0]), values);
    }

    public Comparator<Keys> comparator() {
        boolean firstReversed = criteria.get(0).reverse();
        return (a, b) -> {
            if (a.first() != b.first()) {
                int c = Long.compareUnsigned(a.first(), b.first());
                return firstReversed ? -c : c;
            }
            for (int i = 0; i < criteria.size(); i++) {
                int c = compare(a.values()[i], b.values()[i]);
                if (c != 0) {
                    return criteria.get(i).reverse() ? -c : c;
                }
            }
            return Long.compare(a.uid(), b.uid());
        };
    }

    /**
     * A string key, and whether it has a character from U+D800 up: without one, UTF-16 order is
     * code point order and {@link String#compareTo} (an intrinsic) gives it.
     */
    private record Text(String s, boolean wide) {
        static Text of(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 0xD800) {
                    return new Text(s, true);
                }
            }
            return new Text(s, false);
        }
    }

    /**
     * The first 64 bits of a key's order: a number with its sign bit flipped (signed order as
     * unsigned), a string's first eight UTF-8 octets (code point order), zeros after its end.
     */
    private static long firstBits(Object key) {
        if (key instanceof Long n) {
            return n ^ Long.MIN_VALUE;
        }
        String s = ((Text) key).s();
        long bits = 0;
        int shift = 56;
        for (int i = 0; i < s.length() && shift >= 0; ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp < 0x80) {
                bits |= (long) cp << shift;
                shift -= 8;
                continue;
            }
            byte[] octets = new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            for (byte o : octets) {
                if (shift < 0) {
                    break;
                }
                bits |= (o & 0xffL) << shift;
                shift -= 8;
            }
        }
        return bits;
    }

    private static int compare(Object a, Object b) {
        if (a instanceof Long x) {
            return Long.compare(x, (Long) b);
        }
        Text x = (Text) a;
        Text y = (Text) b;
        return x.wide() || y.wide() ? inCodePointOrder(x.s(), y.s()) : x.s().compareTo(y.s());
    }

    /**
     * Strings in code point order, which is the order of their UTF-8 octets: UTF-16's differs only
     * where a surrogate meets a character from U+E000 up.
     */
    static int inCodePointOrder(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                return fixUp(x) - fixUp(y);
            }
        }
        return a.length() - b.length();
    }

    private static int fixUp(char c) {
        if (c < 0xD800) {
            return c;
        }
        return c >= 0xE000 ? c - 0x800 : c + 0x2000;
    }

    /** A string key of the message, kept by the view between commands (one sort key reads the header once). */
    private static String derived(MessageView m, ImapCommand.SortKey key, java.util.function.Supplier<String> compute) {
        return m.derived("\u0000sort " + key, () -> List.of(compute.get())).get(0);
    }

    /** §3 DATE, in epoch milliseconds, kept by the view. */
    public static long sentDate(MessageView m) {
        return Long.parseLong(m.derived("\u0000sort DATE",
                () -> List.of(Long.toString(readSentDate(m).toEpochMilli()))).get(0));
    }

    /** §3 DATE: the Date field in UTC; the internal date when it is missing or cannot be read. */
    private static Instant readSentDate(MessageView m) {
        String value = m.firstHeaderValue("Date").strip();
        if (!value.isEmpty()) {
            try {
                DateTimeField f = DateTimeFieldLenientImpl.PARSER.parse(new RawField("Date", value), DecodeMonitor.SILENT);
                Date d = f.getDate();
                if (d != null) {
                    return d.toInstant();
                }
            } catch (RuntimeException e) {
                // unreadable: the internal date, as the RFC says
            }
        }
        return m.internalDate();
    }

    /** The first address of a field, groups passed over; null when it has none. */
    private static EnvelopeAddress firstAddress(MessageView m, String field) {
        for (EnvelopeAddress a : AddressListParser.parse(m.firstHeaderValue(field))) {
            if (a.host() != null && a.mailbox() != null) {
                return a;
            }
        }
        return null;
    }

    /** §3 FROM, TO, CC: the local part (addr-mailbox) of the first address; empty when there is none. */
    private static String addrMailbox(MessageView m, String field) {
        EnvelopeAddress a = firstAddress(m, field);
        return a == null ? "" : a.mailbox();
    }

    /** RFC 5957: the first address's display name, decoded, or else its address. */
    private static String displayName(MessageView m, String field) {
        EnvelopeAddress a = firstAddress(m, field);
        if (a == null) {
            return "";
        }
        String name = a.name() == null ? "" : SearchText.decodeHeader(a.name()).strip();
        return name.isEmpty() ? a.mailbox() + "@" + a.host() : name;
    }

    /**
     * The form i;unicode-casemap (RFC 5051) compares in the order of its UTF-8 octets: every
     * character in title case, then canonically decomposed, so that case does not count and a
     * letter with a diacritic sorts beside the letter without. RFC 5256 asks for the collation of
     * I18NLEVEL=1, which is this one; for ASCII it is i;ascii-casemap.
     */
    public static String collationForm(String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            b.appendCodePoint(Character.toTitleCase(cp));
        }
        return ascii ? b.toString() : java.text.Normalizer.normalize(b, java.text.Normalizer.Form.NFD);
    }
}
