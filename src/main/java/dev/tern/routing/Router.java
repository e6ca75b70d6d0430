package dev.tern.routing;

import dev.tern.mail.MailAddress;

import java.util.function.Predicate;

/**
 * Decides the route of a recipient: a pure function of the address and of which domains are
 * local. Local domains never leave the server.
 */
public final class Router {

    private final Predicate<String> isLocalDomain;

    /** @param isLocalDomain answers for an A-label domain whether this server hosts it */
    public Router(Predicate<String> isLocalDomain) {
        this.isLocalDomain = isLocalDomain;
    }

    public Route route(MailAddress recipient) {
        String domain = recipient.asciiDomain();
        return isLocalDomain.test(domain) ? new Route.Local() : new Route.Remote(domain);
    }
}
