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
import java.util.function.Predicate;

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
    private final Predicate<InetSocketAddress> isSelf;

    /** @param isSelf true for an address where this server itself receives mail */
    HostResolver(DnsResolver dns, MxResolver mx, Predicate<InetSocketAddress> isSelf) {
        this.dns = dns;
        this.mx = mx;
        this.isSelf = isSelf;
    }

    CompletableFuture<Resolved> resolve(NextHop hop) {
        if (hop instanceof NextHop.Mx m) {
            return mx.resolve(m.domain()).thenApply(r -> fromMx(m.domain(), r, m.port()));
        }
        if (hop instanceof NextHop.Fixed f) {
            return host(f.host(), f.port());
        }
        NextHop.Relay r = (NextHop.Relay) hop;
        return host(r.smarthost().address().host(), r.smarthost().address().port());
    }

    /**
     * The MX hosts' addresses in order. RFC 5321 §5.1: when this server is among the hosts, it and
     * every less preferred host are dropped (they would send the mail back here); when nothing is
     * left, the mail loops, and bounces.
     */
    private Resolved fromMx(String domain, MxResult result, int port) {
        if (result instanceof MxResult.Failure f) {
            return new Failed(f.permanent(), f.enhancedStatus(), f.reason());
        }
        List<Target> targets = new ArrayList<>();
        hosts:
        for (MxHost h : ((MxResult.Hosts) result).hosts()) {
            List<Target> mine = new ArrayList<>();
            for (InetAddress a : h.addresses()) {
                InetSocketAddress address = new InetSocketAddress(a, port);
                if (isSelf.test(address)) {
                    break hosts;
                }
                mine.add(new Target(h.name(), address));
            }
            targets.addAll(mine);
        }
        if (targets.isEmpty()) {
            return new Failed(true, "5.4.6", "mail for " + domain + " loops back to myself");
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
