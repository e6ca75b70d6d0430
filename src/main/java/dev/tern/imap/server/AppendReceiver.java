package dev.tern.imap.server;

import dev.tern.imap.protocol.ImapCommand;
import dev.tern.imap.protocol.ResponseCode;
import dev.tern.message.TopHeader;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * One APPEND while its messages arrive: for each message, the flags and date that preceded it
 * and the pipe its octets stream through into the store; for a CATENATE message (RFC 4469), the
 * pipe its TEXT literals and URL parts go through in order, and where the command's syntax stands
 * between literals. Also the memory it holds from the
 * {@link LiteralBudget}, and a refusal decided before all its octets were read (a
 * non-synchronizing literal cannot be refused before the client sends it: its octets are dropped
 * as they come and the refusal answers the command at its end).
 */
final class AppendReceiver {

    /** Memory one streamed message may hold: the pipe's window and the sink's in-memory start. */
    static final long MESSAGE_MEMORY = UploadPipe.WINDOW + 256 * 1024;
    /**
     * Memory every message holds however small it is: the start of the content kept for its
     * header ({@link TopHeader#MAX}) and the sink's first buffer (8 KiB). Taken from the budget
     * even for an empty message, so a MULTIAPPEND of thousands of one-octet messages (a few octets
     * of input each) meets the budget rather than filling the heap.
     */
    static final long MESSAGE_FLOOR = TopHeader.MAX + 2 + 8 * 1024;

    /**
     * One message of the command.
     *
     * @param binary it came as a literal8, or (CATENATE) one of its TEXT parts did: NUL is allowed
     */
    record Message(ImapCommand.AppendMessage head, boolean binary, UploadPipe pipe) {
    }

    /** The answer to a refused command. */
    record Refusal(boolean bad, ResponseCode code, String text) {
    }

    private final String tag;
    private final String mailbox;
    private final LiteralBudget budget;
    private final List<Message> messages = new ArrayList<>();
    private UploadPipe receiving;
    /** The literal being received is a TEXT part: more of its message follows. */
    private boolean receivingPart;
    /** The CATENATE message being put together (RFC 4469), until its {@code )}. */
    private UploadPipe catenating;
    /** Octets of the TEXT parts of that message announced so far. */
    private long textOctets;
    /** Where the text after the next literal (or the end of this one) starts, for its parser. */
    private ImapCommand.AppendSegment.Position position = ImapCommand.AppendSegment.Position.START;
    private long heldBudget;
    private Refusal refusal;

    AppendReceiver(String tag, String mailbox, LiteralBudget budget) {
        this.tag = tag;
        this.mailbox = mailbox;
        this.budget = budget;
    }

    String tag() {
        return tag;
    }

    String mailbox() {
        return mailbox;
    }

    List<Message> messages() {
        return messages;
    }

    Refusal refusal() {
        return refusal;
    }

    /** Where the next stretch of the command's text starts in the APPEND syntax. */
    ImapCommand.AppendSegment.Position position() {
        return position;
    }

    void position(ImapCommand.AppendSegment.Position next) {
        position = next;
    }

    /** Takes the memory a message of {@code size} octets may hold; false when the budget has none left. */
    synchronized boolean reserve(long size) {
        long octets = Math.max(MESSAGE_FLOOR, Math.min(size, MESSAGE_MEMORY));
        if (!budget.tryTake(octets)) {
            return false;
        }
        heldBudget += octets;
        return true;
    }

    /** The next message starts; its octets go to {@code pipe}. */
    void receive(ImapCommand.AppendMessage head, boolean binary, UploadPipe pipe) {
        messages.add(new Message(head, binary, pipe));
        receiving = pipe;
        receivingPart = false;
    }

    /** A CATENATE message starts: its parts go to {@code pipe}, in order, up to {@link #endCatenated()}. */
    void startCatenated(ImapCommand.AppendMessage head, UploadPipe pipe) {
        messages.add(new Message(head, false, pipe));
        catenating = pipe;
        textOctets = 0;
    }

    /**
     * A TEXT part of the CATENATE message follows, as the next literal; returns the octets of its
     * TEXT parts so far, this one included.
     */
    long text(long size, boolean binary) {
        int last = messages.size() - 1;
        Message m = messages.get(last);
        if (binary && !m.binary()) {
            messages.set(last, new Message(m.head(), true, m.pipe()));
        }
        receiving = catenating;
        receivingPart = true;
        textOctets += size;
        return textOctets;
    }

    /** A URL part of the CATENATE message: {@code writer} adds what it names, in its place. */
    void url(UploadPipe.Writer writer) {
        catenating.write(writer);
    }

    /** The CATENATE message is complete. */
    void endCatenated() {
        catenating.close();
        catenating = null;
    }

    /** A CATENATE message is being put together: its {@code )} has not come yet. */
    boolean catenating() {
        return catenating != null;
    }

    /**
     * Octets of the message being received (consumed); null to go on reading, or a future that
     * completes once the store has room for more.
     */
    CompletableFuture<Void> data(ByteBuffer octets, boolean last) {
        UploadPipe pipe = receiving;
        if (pipe == null || refusal != null) {
            octets.position(octets.limit());
            return null;
        }
        CompletableFuture<Void> wait = pipe.write(octets);
        if (last) {
            if (!receivingPart) {
                pipe.close();
            }
            receiving = null;
        }
        return wait;
    }

    /** Refuses the command; what was received is discarded, later octets are dropped. */
    void refuse(Refusal why) {
        if (refusal == null) {
            refusal = why;
        }
        discard();
    }

    /** Discards every message received and gives back the memory: the command failed or the client left. */
    void discard() {
        for (Message m : messages) {
            m.pipe().abort();
        }
        receiving = null;
        catenating = null;
        release();
    }

    /**
     * Gives back the memory once the messages are stored (or discarded). Called on the event loop,
     * or by the storage work once the session has let go of the receiver; never both at once.
     */
    synchronized void release() {
        if (heldBudget > 0) {
            budget.release(heldBudget);
            heldBudget = 0;
        }
    }
}
