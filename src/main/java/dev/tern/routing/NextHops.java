package dev.tern.routing;

import dev.tern.config.DeliverySettings;

/**
 * Chooses the next hop of a remote domain from the configuration, in this order: the smarthost
 * when it takes the domain (all domains when it lists none), a route of {@code [delivery.routes]},
 * else the domain's MX records. A pure function of the configuration.
 */
public final class NextHops {

    private final DeliverySettings settings;

    public NextHops(DeliverySettings settings) {
        this.settings = settings;
    }

    /** @param domain an A-label domain, lower case, not one of this server's */
    public NextHop forDomain(String domain) {
        DeliverySettings.Smarthost relay = settings.smarthost();
        if (relay != null && (relay.domains().isEmpty() || relay.domains().contains(domain))) {
            return new NextHop.Relay(relay);
        }
        DeliverySettings.NextHopAddress route = settings.routes().get(domain);
        if (route != null) {
            return new NextHop.Fixed(route.host(), route.port(), settings.tlsFor(domain));
        }
        return new NextHop.Mx(domain, settings.smtpPort(), settings.tlsFor(domain));
    }
}
