package dev.tern.delivery.remote;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.dns.MxHost;
import dev.tern.dns.MxResolver;
import dev.tern.dns.MxResult;
import dev.tern.routing.NextHop;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Turns a next hop into the addresses to try, in order: each MX host's addresses by preference
 * (RFC 5321 §5.1), or the addresses of a configured host. Never blocks: DNS is asynchronous.
 *
 * <p>A configured host (route or smarthost) that does not resolve is a temporary failure, never a
 * bounce: a typo in the configuration or a DNS outage must not return users' mail.
 */
final class HostResolver {

    /** The addresses to try, or why there are none. */
    sealed interface Resolved {
    }

    record Targets(List<Target> targets) implements Resolved {
    }

    /**
     * @param permanent true when the recipients should bounce
     * @param status    RFC 3463 code
     */
    record Failed(boolean permanent, String status, String reason) implements Resolved {
    }

    private final DnsResolver dns;
    private final MxResolver mx;

    HostResolver(DnsResolver dns, MxResolver mx) {
        this.dns = dns;
        this.mx = mx;
    }

    CompletableFuture<Resolved> resolve(NextHop hop) {
        if (hop instanceof NextHop.Mx m) {
            return mx.resolve(m.domain()).thenApply(r -> fromMx(r, m.port()));
        }
        if (hop instanceof NextHop.Fixed f) {
            return host(f.host(), f.port());
        }
        NextHop.Relay r = (NextHop.Relay) hop;
        return host(r.smarthost().address().host(), r.smarthost().address().port());
    }

    private static Resolved fromMx(MxResult result, int port) {
        if (result instanceof MxResult.Failure f) {
            return new Failed(f.permanent(), f.enhancedStatus(), f.reason());
        }
        List<Target> targets = new ArrayList<>();
        for (MxHost h : ((MxResult.Hosts) result).hosts()) {
            for (InetAddress a : h.addresses()) {
                targets.add(new Target(h.name(), new InetSocketAddress(a, port)));
            }
        }
        return new Targets(targets);
    }

    private CompletableFuture<Resolved> host(String host, int port) {
        InetAddress literal = literal(host);
        if (literal != null) {
            return CompletableFuture.completedFuture(new Targets(List.of(new Target(host, new InetSocketAddress(literal, port)))));
        }
        return dns.addresses(host).thenApply(answer -> {
            if (answer instanceof DnsAnswer.Found<InetAddress> found) {
                return new Targets(found.values().stream().map(a -> new Target(host, new InetSocketAddress(a, port))).toList());
            }
            String why = answer instanceof DnsAnswer.TemporaryFailure<InetAddress> t ? t.reason()
                    : "the configured host " + host + " has no address in DNS";
            return new Failed(false, "4.4.3", why);
        });
    }

    /** The address of an IP literal host ("192.0.2.1", "::1"), without any DNS; null for a name. */
    private static InetAddress literal(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.indexOf(':') >= 0 && host.matches("[0-9A-Fa-f:.]+");
        if (!v4 && !v6) {
            return null;
        }
        try {
            return InetAddress.getByName(host);   // a literal: parsed, not looked up
        } catch (java.net.UnknownHostException e) {
            return null;
        }
    }
}
