package dev.tern.imap.protocol;

import java.util.List;

/**
 * One data item of a FETCH command (RFC 9051 §6.4.5, RFC 3516 BINARY, RFC 7162 MODSEQ, RFC 8474). The
 * macros ALL, FAST and FULL are expanded by the parser.
 */
public sealed interface FetchItem {

    /** The items that take no argument. */
    enum Attribute implements FetchItem {
        FLAGS("FLAGS"), INTERNALDATE("INTERNALDATE"), RFC822_SIZE("RFC822.SIZE"), ENVELOPE("ENVELOPE"),
        /** BODY without a section: the non-extensible BODYSTRUCTURE. */
        BODY("BODY"), BODYSTRUCTURE("BODYSTRUCTURE"), UID("UID"), MODSEQ("MODSEQ"),
        /** Same content as BODY[], BODY[HEADER], BODY[TEXT]; the response names them RFC822*. */
        RFC822("RFC822"), RFC822_HEADER("RFC822.HEADER"), RFC822_TEXT("RFC822.TEXT"),
        /** RFC 8474 §5: the object ids of the message's content and of its thread. */
        EMAILID("EMAILID"), THREADID("THREADID"),
        /** RFC 8514 §4.2: when the message was put into this mailbox; NIL when not known. */
        SAVEDATE("SAVEDATE"),
        /** RFC 8970: the start of the message's text ({@link PreviewText}); (LAZY) is accepted and changes nothing. */
        PREVIEW("PREVIEW");

        private final String wireName;

        Attribute(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /**
     * BODY[section]&lt;partial&gt; or BODY.PEEK[...].
     *
     * @param partial the {@code <offset.length>} suffix, or null
     * @param peek    BODY.PEEK: do not set \Seen
     */
    record BodySection(Section section, Partial partial, boolean peek) implements FetchItem {
        /** The name of the item in the FETCH response, e.g. {@code BODY[1.HEADER]<0>}. */
        public String responseName() {
            return "BODY[" + section + "]" + (partial == null ? "" : "<" + partial.offset() + ">");
        }
    }

    /** BINARY[part]&lt;partial&gt; or BINARY.PEEK (RFC 3516): the content, transfer-decoded. */
    record Binary(List<Integer> part, Partial partial, boolean peek) implements FetchItem {
        public Binary {
            part = List.copyOf(part);
        }

        public String responseName() {
            return "BINARY[" + Section.partPath(part) + "]" + (partial == null ? "" : "<" + partial.offset() + ">");
        }
    }

    /** BINARY.SIZE[part] (RFC 3516): the size after transfer decoding. */
    record BinarySize(List<Integer> part) implements FetchItem {
        public BinarySize {
            part = List.copyOf(part);
        }

        public String responseName() {
            return "BINARY.SIZE[" + Section.partPath(part) + "]";
        }
    }

    /** {@code <offset.length>}: at most {@code length} octets starting at {@code offset}. */
    record Partial(long offset, long length) {
    }
}
