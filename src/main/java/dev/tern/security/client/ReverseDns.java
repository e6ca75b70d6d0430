package dev.tern.security.client;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.IpAddresses;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * The "iprev" check of RFC 8601 §3 (forward-confirmed reverse DNS): the PTR names of the client
 * address are looked up, then the addresses of each name (A for an IPv4 client, AAAA for IPv6);
 * the check passes with the first name, in PTR order, whose addresses include the client.
 *
 * <p>The forward lookups run in parallel and at most {@value #MAX_NAMES} of them: a reverse zone is
 * controlled by whoever owns the address, and a hostile one could list thousands of names to make
 * us query for each (RFC 7208 §4.6.4 bounds SPF's "ptr" the same way).
 *
 * <p>Result mapping: no PTR (NXDOMAIN or no records) → PERMERROR; PTR lookup failed → TEMPERROR;
 * a name confirmed → PASS; else, when a forward lookup failed temporarily, it might have been the
 * one to confirm → TEMPERROR; else FAIL. Nothing blocks: the future completes on a DNS thread.
 */
public final class ReverseDns {

    /** PTR names checked per address; the rest are ignored. */
    public static final int MAX_NAMES = 10;

    private final DnsResolver dns;

    public ReverseDns(DnsResolver dns) {
        this.dns = dns;
    }

    public CompletableFuture<IprevResult> check(InetAddress client) {
        return dns.hostnames(client).thenCompose(ptr -> {
            if (ptr instanceof DnsAnswer.TemporaryFailure<String> t) {
                return done(new IprevResult(IprevResult.Status.TEMPERROR, client, null, List.of(), t.reason()));
            }
            if (!(ptr instanceof DnsAnswer.Found)) {
                return done(new IprevResult(IprevResult.Status.PERMERROR, client, null, List.of(),
                        "no PTR record for " + IpAddresses.format(client)));
            }
            List<String> names = ptr.values();
            List<CompletableFuture<DnsAnswer<InetAddress>>> forward = new ArrayList<>();
            for (String name : names.subList(0, Math.min(MAX_NAMES, names.size()))) {
                forward.add(addresses(name, client));
            }
            return CompletableFuture.allOf(forward.toArray(CompletableFuture[]::new))
                    .thenApply(x -> confirm(client, names, forward));
        });
    }

    private static IprevResult confirm(InetAddress client, List<String> names,
                                       List<CompletableFuture<DnsAnswer<InetAddress>>> forward) {
        String temporary = null;
        for (int i = 0; i < forward.size(); i++) {
            DnsAnswer<InetAddress> answer = forward.get(i).join();
            if (answer.values().contains(client)) {
                return new IprevResult(IprevResult.Status.PASS, client, names.get(i), names,
                        names.get(i) + " resolves to " + IpAddresses.format(client));
            }
            if (temporary == null && answer instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                temporary = t.reason();
            }
        }
        if (temporary != null) {
            return new IprevResult(IprevResult.Status.TEMPERROR, client, null, names, temporary);
        }
        return new IprevResult(IprevResult.Status.FAIL, client, null, names,
                "no name of " + IpAddresses.format(client) + " " + names.subList(0, forward.size())
                        + " resolves back to it");
    }

    /** Only the client's family: an IPv4 client is confirmed by an A record, never by an AAAA. */
    private CompletableFuture<DnsAnswer<InetAddress>> addresses(String name, InetAddress client) {
        boolean v4 = client instanceof Inet4Address;
        try {
            return dns.lookup(name, v4 ? Type.A : Type.AAAA).thenApply(a -> a.map(r -> address(r)));
        } catch (IllegalArgumentException e) {
            // A PTR target that is no valid name (the zone owner writes what they like) confirms nothing.
            return done(new DnsAnswer.NoSuchDomain<>());
        }
    }

    private static InetAddress address(Record r) {
        return r instanceof ARecord a ? a.getAddress() : ((AAAARecord) r).getAddress();
    }

    private static <T> CompletableFuture<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
