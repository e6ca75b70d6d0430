package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;

/** {@code addflag <list-of-flags>} (RFC 5232 §3.2): adds flags to the internal flag variable, each once. */
public final class AddFlagCommand extends FlagCommand {

    @Override
    Flags apply(Flags current, Flags named) {
        return current.plus(named);
    }
}
