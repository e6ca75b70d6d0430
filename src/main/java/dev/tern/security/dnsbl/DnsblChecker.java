package dev.tern.security.dnsbl;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import dev.tern.mail.IpAddresses;
import dev.tern.mail.IpNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Looks a client address up in DNS block lists and allow lists (RFC 5782): the address, reversed
 * (IPv4 by octets, IPv6 by nibbles), is prepended to each list's zone and asked for A records.
 * An answer in 127.0.0.0/8 means listed; the list's TXT record for the name says why.
 *
 * <p>Allow lists are asked first, all at once; a client on one of them is {@link DnsblVerdict.Allowed}
 * and the block lists are not asked (lists with query quotas are spared). Then all block lists at
 * once; the verdict is the first hit in configured order, else {@link DnsblVerdict.Unknown} when a
 * list did not answer, else {@link DnsblVerdict.Clean}. An allow list that does not answer counts
 * as not listing the client.
 *
 * <p>Answers that are not listings, each logged as a warning (at most once per list every
 * {@value #WARNING_INTERVAL_MINUTES} minutes) and otherwise ignored:
 * <ul>
 *   <li>127.255.255.0/24: error codes; Spamhaus answers 127.255.255.254 to queries that come
 *       through a public resolver and 127.255.255.255 to those over quota. Taking them as
 *       listings would refuse every client.</li>
 *   <li>127.0.0.255 from an allow list: dnswl.org's "over quota", which would otherwise allow everyone.</li>
 *   <li>Addresses outside 127.0.0.0/8: a list whose domain has lapsed and been parked answers
 *       every name with a web server's address.</li>
 * </ul>
 *
 * <p>Private (RFC 1918, fc00::/7), link-local and unspecified addresses are never looked up: no
 * list has them, and the queries would tell the list's operator about our network. Loopback
 * clients are: they are exempt from the checks unless the operator says otherwise, and RFC 5782
 * §5 has every list carry 127.0.0.2 as a test entry, so a connection from 127.0.0.2 shows a list
 * at work.
 */
public final class DnsblChecker {

    static final int WARNING_INTERVAL_MINUTES = 10;
    private static final int MAX_REASON = 200;

    private static final Logger log = LoggerFactory.getLogger(DnsblChecker.class);

    private static final List<IpNetwork> NEVER_LOOKED_UP = List.of(
            IpNetwork.parse("0.0.0.0/8"), IpNetwork.parse("10.0.0.0/8"),
            IpNetwork.parse("169.254.0.0/16"), IpNetwork.parse("172.16.0.0/12"),
            IpNetwork.parse("192.168.0.0/16"), IpNetwork.parse("::/128"),
            IpNetwork.parse("fc00::/7"), IpNetwork.parse("fe80::/10"));
    private static final IpNetwork LIST_ANSWERS = IpNetwork.parse("127.0.0.0/8");
    private static final IpNetwork ERROR_CODES = IpNetwork.parse("127.255.255.0/24");
    private static final IpNetwork ALLOW_LIST_OVER_QUOTA = IpNetwork.parse("127.0.0.255");

    private final DnsResolver dns;
    private final List<String> blocklists;
    private final List<String> allowlists;
    private final Map<String, Long> nextWarning = new ConcurrentHashMap<>();

    /** What one list said. */
    private sealed interface ZoneAnswer {
        record Hit(List<String> codes, String reason) implements ZoneAnswer {
        }

        record Miss() implements ZoneAnswer {
        }

        record Failed(String reason) implements ZoneAnswer {
        }
    }

    /**
     * @param blocklists zones such as {@code zen.spamhaus.org}, in order of precedence
     * @param allowlists zones such as {@code list.dnswl.org}
     * @throws IllegalArgumentException when a zone is not a domain name
     */
    public DnsblChecker(DnsResolver dns, List<String> blocklists, List<String> allowlists) {
        this.dns = dns;
        this.blocklists = blocklists.stream().map(DnsblChecker::zone).toList();
        this.allowlists = allowlists.stream().map(DnsblChecker::zone).toList();
    }

    public CompletableFuture<DnsblVerdict> check(InetAddress client) {
        if (NEVER_LOOKED_UP.stream().anyMatch(n -> n.contains(client)) || client.isMulticastAddress()) {
            return CompletableFuture.completedFuture(new DnsblVerdict.Clean());
        }
        if (allowlists.isEmpty()) {
            return checkBlocklists(client);
        }
        return askAll(client, allowlists, false).thenCompose(answers -> {
            for (int i = 0; i < answers.size(); i++) {
                if (answers.get(i) instanceof ZoneAnswer.Hit hit) {
                    log.debug("{} is on the allow list {}: {}", IpAddresses.format(client), allowlists.get(i), hit.codes());
                    return CompletableFuture.completedFuture(new DnsblVerdict.Allowed(allowlists.get(i), hit.codes()));
                }
            }
            return checkBlocklists(client);
        });
    }

    /** The name asked for an address in a zone: {@code 2.0.0.127.zone}, or 32 nibbles for IPv6. */
    public static String queryName(InetAddress client, String zone) {
        byte[] b = client.getAddress();
        StringBuilder name = new StringBuilder();
        for (int i = b.length - 1; i >= 0; i--) {
            int octet = b[i] & 0xff;
            if (client instanceof Inet4Address) {
                name.append(octet).append('.');
            } else {
                name.append(Character.forDigit(octet & 0xf, 16)).append('.')
                        .append(Character.forDigit(octet >> 4, 16)).append('.');
            }
        }
        return name.append(zone).toString();
    }

    private CompletableFuture<DnsblVerdict> checkBlocklists(InetAddress client) {
        if (blocklists.isEmpty()) {
            return CompletableFuture.completedFuture(new DnsblVerdict.Clean());
        }
        return askAll(client, blocklists, true).thenApply(answers -> {
            DnsblVerdict unknown = null;
            for (int i = 0; i < answers.size(); i++) {
                ZoneAnswer a = answers.get(i);
                if (a instanceof ZoneAnswer.Hit hit) {
                    log.debug("{} is on the block list {}: {}", IpAddresses.format(client), blocklists.get(i), hit.codes());
                    return new DnsblVerdict.Listed(client, blocklists.get(i), hit.codes(), hit.reason());
                }
                if (unknown == null && a instanceof ZoneAnswer.Failed f) {
                    unknown = new DnsblVerdict.Unknown(client, blocklists.get(i), f.reason());
                }
            }
            return unknown != null ? unknown : new DnsblVerdict.Clean();
        });
    }

    private CompletableFuture<List<ZoneAnswer>> askAll(InetAddress client, List<String> zones, boolean block) {
        List<CompletableFuture<ZoneAnswer>> pending = new ArrayList<>();
        for (String zone : zones) {
            pending.add(ask(client, zone, block));
        }
        return CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new))
                .thenApply(x -> pending.stream().map(CompletableFuture::join).toList());
    }

    private CompletableFuture<ZoneAnswer> ask(InetAddress client, String zone, boolean block) {
        String name = queryName(client, zone);
        return dns.lookup(name, Type.A).thenCompose(answer -> {
            if (answer instanceof DnsAnswer.TemporaryFailure<?> t) {
                return CompletableFuture.completedFuture(new ZoneAnswer.Failed(t.reason()));
            }
            List<String> codes = new ArrayList<>();
            for (Record r : answer.values()) {
                InetAddress code = ((ARecord) r).getAddress();
                if (isListing(zone, name, code, block)) {
                    codes.add(code.getHostAddress());
                }
            }
            if (codes.isEmpty()) {
                return CompletableFuture.completedFuture(new ZoneAnswer.Miss());
            }
            if (!block) {
                return CompletableFuture.completedFuture(new ZoneAnswer.Hit(codes, null));
            }
            return dns.txt(name).thenApply(txt -> new ZoneAnswer.Hit(codes,
                    txt.values().isEmpty() ? null : printable(txt.values().get(0))));
        });
    }

    private boolean isListing(String zone, String name, InetAddress code, boolean block) {
        if (!LIST_ANSWERS.contains(code)) {
            warn(zone, "{} answered {} for {}, outside 127.0.0.0/8: not a DNS list answer (RFC 5782 §2.1);"
                    + " has the list's domain lapsed? Ignored", zone, code.getHostAddress(), name);
            return false;
        }
        if (ERROR_CODES.contains(code) || (!block && ALLOW_LIST_OVER_QUOTA.contains(code))) {
            warn(zone, "{} answered {} for {}: an error code (queries through a public or shared resolver,"
                    + " or over the list's quota), not a listing; ask the list through a resolver of your own."
                    + " Ignored", zone, code.getHostAddress(), name);
            return false;
        }
        return true;
    }

    private void warn(String zone, String format, Object... args) {
        long now = System.nanoTime();
        Long next = nextWarning.get(zone);
        if (next == null || now - next >= 0) {
            nextWarning.put(zone, now + TimeUnit.MINUTES.toNanos(WARNING_INTERVAL_MINUTES));
            log.warn(format, args);
        }
    }

    private static String zone(String zone) {
        String z = zone.trim().toLowerCase(Locale.ROOT);
        while (z.endsWith(".")) {
            z = z.substring(0, z.length() - 1);
        }
        try {
            // The longest name we will ask for must be valid: 64 characters of IPv6 nibbles, then the zone.
            Name.fromString(queryName(InetAddress.getByAddress(new byte[16]), z), Name.root);
        } catch (TextParseException | java.net.UnknownHostException e) {
            throw new IllegalArgumentException("\"" + zone + "\" is not a DNS list zone: " + e.getMessage(), e);
        }
        if (z.isEmpty() || z.startsWith(".")) {
            throw new IllegalArgumentException("\"" + zone + "\" is not a DNS list zone");
        }
        return z;
    }

    /** The list's text goes into our reply: printable ASCII only, short. */
    private static String printable(String text) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < text.length() && b.length() < MAX_REASON; i++) {
            char c = text.charAt(i);
            b.append(c >= 0x20 && c < 0x7f ? c : ' ');
        }
        String s = b.toString().trim().replaceAll(" {2,}", " ");
        return s.isEmpty() ? null : s;
    }
}
