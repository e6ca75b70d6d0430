package dev.tern.sieve.commands;

import dev.tern.mailbox.Flags;

/** {@code removeflag <list-of-flags>} (RFC 5232 §3.3): removes flags from the internal flag variable, in any case. */
public final class RemoveFlagCommand extends FlagCommand {

    @Override
    Flags apply(Flags current, Flags named) {
        return current.minus(named);
    }
}
