package dev.tern.imap.protocol;

/**
 * One thing an APPEND's text says between its streamed literals ({@link ImapCommand.AppendSegment}):
 * a message begins, a CATENATE part names a URL, a CATENATE message ends.
 */
public sealed interface AppendItem {

    /**
     * A message begins, with its flags and date. A plain one ({@code head.catenate()} false) is
     * the literal that follows; a CATENATE one (RFC 4469) is made of the {@link Url} parts and
     * TEXT literals that follow, up to its {@link End}.
     */
    record Message(ImapCommand.AppendMessage head) implements AppendItem {
    }

    /** A {@code URL} part of the CATENATE message being read: the astring as sent. */
    record Url(String url) implements AppendItem {
    }

    /** The {@code )} that ends the CATENATE message being read. */
    record End() implements AppendItem {
    }
}
