package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;
import org.apache.jsieve.mail.ActionKeep;

/** An explicit {@code keep}, with the flags its copy gets (RFC 5232 §5). */
public final class KeepAction extends ActionKeep {

    private final Flags flags;

    public KeepAction(Flags flags) {
        this.flags = flags;
    }

    public Flags flags() {
        return flags;
    }

    @Override
    public String toString() {
        return "Action: keep " + flags;
    }
}
