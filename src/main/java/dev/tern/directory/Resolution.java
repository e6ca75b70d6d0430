package dev.tern.directory;

import java.util.List;

/** Where mail for one address goes, as far as this server's directory knows. */
public sealed interface Resolution {

    /** The domain is not one of ours. */
    record NotLocal() implements Resolution {
    }

    /** Our domain, but no account, alias or catch-all takes this address. */
    record Unknown() implements Resolution {
    }

    /** The local accounts (at least one) that receive mail sent to the address. */
    record Local(List<Account> accounts) implements Resolution {
        public Local {
            accounts = List.copyOf(accounts);
        }
    }
}
