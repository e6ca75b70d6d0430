package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.mail.ActionFileInto;

/** A {@code fileinto}, with the flags its copy gets (RFC 5232 §5). */
public final class FileIntoAction extends ActionFileInto {

    private final Flags flags;

    public FileIntoAction(String mailbox, Flags flags) {
        super(mailbox);
        this.flags = flags;
    }

    public Flags flags() {
        return flags;
    }

    @Override
    public String toString() {
        return "Action: fileinto " + getDestination() + " " + flags;
    }
}
