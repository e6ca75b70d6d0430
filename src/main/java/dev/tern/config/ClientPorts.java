package dev.tern.config;

import java.util.EnumMap;
import java.util.Map;

/**
 * The port at which mail clients reach each {@link ClientService}, or 0 when its listener is not
 * configured. A listener with several addresses is reached at the port of its first one; a
 * listener on port 0 (an ephemeral port) counts as not reachable, since nobody could be told it.
 */
public final class ClientPorts {

    private final Map<ClientService, Integer> ports;
    private final int manageSieve;

    public ClientPorts(Map<ClientService, Integer> ports) {
        this(ports, 0);
    }

    /** @param manageSieve the port of the {@code managesieve} listener (RFC 5804), 0 when there is none */
    public ClientPorts(Map<ClientService, Integer> ports, int manageSieve) {
        this.ports = ports.isEmpty() ? new EnumMap<>(ClientService.class) : new EnumMap<>(ports);
        this.manageSieve = Math.max(0, manageSieve);
    }

    /** The ports of the configured listeners. */
    public static ClientPorts of(TernConfig config) {
        Map<ClientService, Integer> ports = new EnumMap<>(ClientService.class);
        for (ClientService s : ClientService.values()) {
            config.listener(s.listener()).stream().findFirst().ifPresent(a -> ports.put(s, a.port()));
        }
        int sieve = config.listener(TernConfig.MANAGESIEVE_LISTENER).stream().findFirst().map(a -> a.port()).orElse(0);
        return new ClientPorts(ports, sieve);
    }

    /**
     * Where filter editors reach ManageSieve, or 0. Not a {@link ClientService}: mail clients are
     * not set up with it; its SRV record ({@code _sieve._tcp}, RFC 5804 §1.8) is published alone.
     */
    public int manageSieve() {
        return manageSieve;
    }

    /** The service's port, or 0 when clients cannot use it. */
    public int port(ClientService service) {
        return ports.getOrDefault(service, 0);
    }

    public boolean enabled(ClientService service) {
        return port(service) > 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientPorts other && other.ports.equals(ports) && other.manageSieve == manageSieve;
    }

    @Override
    public int hashCode() {
        return ports.hashCode() * 31 + manageSieve;
    }

    @Override
    public String toString() {
        return "ClientPorts" + ports + (manageSieve > 0 ? " managesieve=" + manageSieve : "");
    }
}
