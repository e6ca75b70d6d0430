package dev.tern.net;

/**
 * Told when a listener accepts a connection and when that connection closes (for metrics). Runs
 * on the connection's event loop: it must return at once and never block.
 */
public interface ConnectionObserver {

    ConnectionObserver NONE = new ConnectionObserver() {
        @Override
        public void opened(String listener) {
        }

        @Override
        public void closed(String listener, boolean tls) {
        }
    };

    /** A connection was accepted (before any connection limit is applied). */
    void opened(String listener);

    /** @param tls a TLS handshake had succeeded on the connection (implicit TLS or STARTTLS) */
    void closed(String listener, boolean tls);
}
