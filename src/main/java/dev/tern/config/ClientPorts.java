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

    public ClientPorts(Map<ClientService, Integer> ports) {
        this.ports = ports.isEmpty() ? new EnumMap<>(ClientService.class) : new EnumMap<>(ports);
    }

    /** The ports of the configured listeners. */
    public static ClientPorts of(TernConfig config) {
        Map<ClientService, Integer> ports = new EnumMap<>(ClientService.class);
        for (ClientService s : ClientService.values()) {
            config.listener(s.listener()).stream().findFirst().ifPresent(a -> ports.put(s, a.port()));
        }
        return new ClientPorts(ports);
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
        return o instanceof ClientPorts other && other.ports.equals(ports);
    }

    @Override
    public int hashCode() {
        return ports.hashCode();
    }

    @Override
    public String toString() {
        return "ClientPorts" + ports;
    }
}
