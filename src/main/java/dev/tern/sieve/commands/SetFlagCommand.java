package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;

/** {@code setflag <list-of-flags>} (RFC 5232 §3.1): the internal flag variable holds these flags only. */
public final class SetFlagCommand extends FlagCommand {

    @Override
    Flags apply(Flags current, Flags named) {
        return named;
    }
}
