package dev.tern.routing;

import dev.tern.config.DeliverySettings.Smarthost;
import dev.tern.config.DeliverySettings.TlsLevel;

/**
 * Where a remote recipient's copy is handed over: the MX hosts of its domain, a fixed host from
 * the configured routes, or the smarthost. Recipients of one message with equal next hops travel
 * in one SMTP transaction; the next hop is also the unit of the per-destination connection limit.
 */
public sealed interface NextHop {

    /** How much TLS the hop insists on. */
    TlsLevel tls();

    /** A short name for logs and limits, e.g. {@code example.org}, {@code [relay.example.net]:2525}. */
    String destination();

    /** The MX hosts of {@code domain} (RFC 5321 §5.1). */
    record Mx(String domain, int port, TlsLevel tls) implements NextHop {
        @Override
        public String destination() {
            return domain;
        }
    }

    /** A fixed host from {@code [delivery.routes]} instead of the MX records. */
    record Fixed(String host, int port, TlsLevel tls) implements NextHop {
        @Override
        public String destination() {
            return "[" + host + "]:" + port;
        }
    }

    /** The smarthost ({@code [delivery.smarthost]}), with its credentials. */
    record Relay(Smarthost smarthost) implements NextHop {
        @Override
        public TlsLevel tls() {
            return switch (smarthost.tls()) {
                case NONE -> TlsLevel.NONE;
                case STARTTLS, TLS -> smarthost.verifyCertificate() ? TlsLevel.VERIFY : TlsLevel.ENCRYPT;
            };
        }

        @Override
        public String destination() {
            return "smarthost " + smarthost.address();
        }
    }
}
