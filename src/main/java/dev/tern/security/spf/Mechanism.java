package dev.tern.security.spf;

/**
 * The mechanisms of RFC 7208 §5, as parsed. A null domain-spec means "the current domain". The
 * CIDR lengths of a and mx are the full length (32, 128) when the record gives none.
 */
sealed interface Mechanism {

    /** Whether evaluating it asks DNS, and so counts against the limit of 10 such terms (§4.6.4). */
    default boolean queriesDns() {
        return true;
    }

    record All() implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    record Include(MacroString domain) implements Mechanism {
    }

    record A(MacroString domain, int cidr4, int cidr6) implements Mechanism {
    }

    record Mx(MacroString domain, int cidr4, int cidr6) implements Mechanism {
    }

    record Ptr(MacroString domain) implements Mechanism {
    }

    record Ip4(byte[] network, int prefix) implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    record Ip6(byte[] network, int prefix) implements Mechanism {
        @Override
        public boolean queriesDns() {
            return false;
        }
    }

    record Exists(MacroString domain) implements Mechanism {
    }
}
