package dev.tern.imap.protocol;

import java.util.List;

/**
 * Finds what a FETCH body section (RFC 9051 §6.4.5) refers to in a stored message, using the
 * offsets in its {@link MessageStructure}: the byte range to read and, for HEADER.FIELDS (.NOT),
 * the field filter to apply while streaming it ({@link HeaderFieldFilter}).
 *
 * <p>Part numbering follows the RFC: the parts of a multipart are 1..n; a message/rfc822 part's
 * numbers refer to the parts of the enclosed message; a message that is not multipart has one
 * part, 1, its body. HEADER and TEXT are the top-level message's or, with a part number, the
 * enclosed message's of a message/rfc822 part; MIME is the part's own MIME header.
 */
public final class SectionLocator {

    private SectionLocator() {
    }

    /**
     * A byte range of the message, with the header filter to apply, if any.
     *
     * @param fields      the fields to keep (or drop, with {@code exclude}); null when the range
     *                    is sent as it is
     */
    public record SectionRange(long start, long end, List<String> fields, boolean exclude) {

        public long length() {
            return end - start;
        }

        public boolean filtered() {
            return fields != null;
        }

        /**
         * The sub-range of a partial fetch ({@code <offset.length>}); for a filtered range the
         * partial applies to the filtered bytes, so the caller cuts those instead.
         */
        public SectionRange partial(FetchItem.Partial partial) {
            if (partial == null) {
                return this;
            }
            // Offset and length may be as large as a long: clipped to what is left before adding,
            // so the sum cannot overflow into a negative or huge range.
            long from = start + Math.min(partial.offset(), end - start);
            long to = from + Math.min(partial.length(), end - from);
            return new SectionRange(from, to, fields, exclude);
        }
    }

    /** The range for {@code section}, or null when the message has no such part. */
    public static SectionRange locate(MessageStructure structure, Section section) {
        BodyPart root = structure.root();
        if (section.part().isEmpty()) {
            return switch (section.text()) {
                case ALL -> new SectionRange(0, structure.size(), null, false);
                case HEADER -> raw(root.headerStart(), root.bodyStart());
                case HEADER_FIELDS -> filtered(root, section, false);
                case HEADER_FIELDS_NOT -> filtered(root, section, true);
                case TEXT -> raw(root.bodyStart(), structure.size());
                case MIME -> null;
            };
        }
        BodyPart part = part(structure, section.part());
        if (part == null) {
            return null;
        }
        if (section.text() == Section.Text.ALL) {
            return raw(part.bodyStart(), part.bodyEnd());
        }
        if (section.text() == Section.Text.MIME) {
            return raw(part.headerStart(), part.bodyStart());
        }
        if (!part.isMessage() || part.parts().isEmpty()) {
            return null;
        }
        BodyPart message = part.parts().get(0);
        return switch (section.text()) {
            case HEADER -> raw(message.headerStart(), message.bodyStart());
            case HEADER_FIELDS -> filtered(message, section, false);
            case HEADER_FIELDS_NOT -> filtered(message, section, true);
            default -> raw(message.bodyStart(), message.bodyEnd());
        };
    }

    /** The part a part path names, or null. */
    static BodyPart part(MessageStructure structure, List<Integer> path) {
        BodyPart entity = structure.root();
        for (int n : path) {
            entity = child(entity, n);
            if (entity == null) {
                return null;
            }
        }
        return entity;
    }

    private static BodyPart child(BodyPart entity, int n) {
        BodyPart e = entity;
        if (e.isMessage() && !e.parts().isEmpty()) {
            e = e.parts().get(0);
        }
        if (e.isMultipart()) {
            return n >= 1 && n <= e.parts().size() ? e.parts().get(n - 1) : null;
        }
        // Only a message (top-level or enclosed) has a part 1 that is its own body.
        return n == 1 && e.envelope() != null ? e : null;
    }

    private static SectionRange raw(long start, long end) {
        return new SectionRange(start, end, null, false);
    }

    private static SectionRange filtered(BodyPart message, Section section, boolean exclude) {
        return new SectionRange(message.headerStart(), message.bodyStart(), section.fields(), exclude);
    }
}
