package dev.tern.dns;

import java.util.List;

/**
 * Where mail for a domain goes, or why it cannot go anywhere. The failures carry what a bounce or
 * a deferral needs: permanent or not, an enhanced status code (RFC 3463) and a reason in words.
 */
public sealed interface MxResult permits MxResult.Hosts, MxResult.Failure {

    /** True when trying again later cannot help: the message should bounce. */
    boolean permanent();

    /** A short explanation for logs and for the diagnostic of a delivery status notification. */
    String reason();

    /**
     * The hosts to try, in order.
     *
     * @param hosts    by preference, equal preferences in random order; each with its addresses
     * @param implicit the domain has no MX records and is its own mail host (RFC 5321 §5.1)
     */
    record Hosts(List<MxHost> hosts, boolean implicit) implements MxResult {
        public Hosts {
            hosts = List.copyOf(hosts);
            if (hosts.isEmpty()) {
                throw new IllegalArgumentException("no hosts is a failure, not Hosts");
            }
        }

        @Override
        public boolean permanent() {
            return false;
        }

        @Override
        public String reason() {
            return implicit ? "no MX records; delivering to the domain's own address"
                    : hosts.size() + " MX host" + (hosts.size() == 1 ? "" : "s");
        }
    }

    /** No host to deliver to. */
    sealed interface Failure extends MxResult permits NullMx, NoSuchDomain, NoUsableHosts, TemporaryFailure {
        /** The RFC 3463 code a bounce or deferral should carry, e.g. "5.1.10". */
        String enhancedStatus();
    }

    /** The domain says it accepts no mail: a single MX record "0 ." (RFC 7505). */
    record NullMx(String domain) implements Failure {
        @Override
        public boolean permanent() {
            return true;
        }

        @Override
        public String reason() {
            return "the domain " + domain + " does not accept mail (null MX, RFC 7505)";
        }

        @Override
        public String enhancedStatus() {
            return "5.1.10";
        }
    }

    /** The domain does not exist in DNS (NXDOMAIN), or its name cannot be one. */
    record NoSuchDomain(String domain) implements Failure {
        @Override
        public boolean permanent() {
            return true;
        }

        @Override
        public String reason() {
            return "the domain " + domain + " does not exist (DNS: no such domain)";
        }

        @Override
        public String enhancedStatus() {
            return "5.1.2";
        }
    }

    /** DNS answered, and no answer leads to an address: MX hosts that do not exist, no A/AAAA. */
    record NoUsableHosts(String reason) implements Failure {
        @Override
        public boolean permanent() {
            return true;
        }

        @Override
        public String enhancedStatus() {
            return "5.4.4";
        }
    }

    /** DNS did not answer usefully (timeout, SERVFAIL, network error): try again later. */
    record TemporaryFailure(String reason) implements Failure {
        @Override
        public boolean permanent() {
            return false;
        }

        @Override
        public String enhancedStatus() {
            return "4.4.3";
        }
    }
}
