package dev.tern.directory;

import dev.tern.mail.MailAddress;

import java.util.List;

/** Where mail for one address goes, as far as this server's directory knows. */
public sealed interface Resolution {

    /** The domain is not one of ours. */
    record NotLocal() implements Resolution {
    }

    /** Our domain, but no account, alias or catch-all takes this address. */
    record Unknown() implements Resolution {
    }

    /**
     * Our address: the local accounts that receive its mail, and the addresses elsewhere it is
     * forwarded to (alias targets in other domains, or the sender a rewritten address stands for,
     * docs/forwarding.md). At least one of the two is not empty.
     */
    record Local(List<Account> accounts, List<MailAddress> forwards) implements Resolution {
        public Local {
            accounts = List.copyOf(accounts);
            forwards = List.copyOf(forwards);
            if (accounts.isEmpty() && forwards.isEmpty()) {
                throw new IllegalArgumentException("an address that leads nowhere is not local");
            }
        }

        public Local(List<Account> accounts) {
            this(accounts, List.of());
        }

        /** Whether some of its mail leaves for other domains. */
        public boolean forwarded() {
            return !forwards.isEmpty();
        }
    }
}
