package dev.tern.acme;

import dev.tern.dns.DnsAnswer;
import dev.tern.dns.DnsResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The names of the local domains that the certificate covers besides {@code [acme] names}: for
 * each domain, {@code mta-sts.DOMAIN} where the MTA-STS policy is served, and
 * {@code autoconfig.DOMAIN} and {@code autodiscover.DOMAIN} where the HTTPS autoconfig listener
 * is on (mail programs and senders check the certificate there). A name is taken only once DNS
 * points it at the host name's addresses, so that a domain whose records are not published yet
 * (and whose check by the CA would fail the whole order) is left out until they are.
 */
public final class DomainNames implements Supplier<List<String>> {

    private static final Logger LOG = LoggerFactory.getLogger(DomainNames.class);

    private final Supplier<List<String>> domains;
    private final DnsResolver dns;
    private final String hostname;
    private final List<String> labels;

    /**
     * @param domains   the local domains, asked at each look
     * @param mtaSts    whether the MTA-STS policy is served (mta-sts.DOMAIN)
     * @param autoconfigHttps whether the HTTPS autoconfig listener is on (autoconfig. and autodiscover.DOMAIN)
     */
    public DomainNames(Supplier<List<String>> domains, DnsResolver dns, String hostname, boolean mtaSts,
                       boolean autoconfigHttps) {
        this.domains = domains;
        this.dns = dns;
        this.hostname = hostname;
        List<String> l = new ArrayList<>();
        if (mtaSts) {
            l.add("mta-sts.");
        }
        if (autoconfigHttps) {
            l.add("autoconfig.");
            l.add("autodiscover.");
        }
        this.labels = List.copyOf(l);
    }

    /** True when there is nothing to add whatever the domains: no HTTPS names are served. */
    public boolean none() {
        return labels.isEmpty();
    }

    /** The names whose DNS points here, and those still waiting for their records. */
    public record Split(List<String> ready, List<String> waiting) {
    }

    @Override
    public List<String> get() {
        Split split = split();
        if (!split.waiting().isEmpty()) {
            LOG.info("ACME: not in the certificate until DNS points them at {}: {}", hostname,
                    String.join(", ", split.waiting()));
        }
        return split.ready();
    }

    /** Asks DNS for each domain's names; blocking. */
    public Split split() {
        if (labels.isEmpty()) {
            return new Split(List.of(), List.of());
        }
        Set<InetAddress> here = new HashSet<>(addresses(hostname));
        List<String> names = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (String domain : domains.get()) {
            for (String label : labels) {
                String name = label + domain;
                List<InetAddress> found = addresses(name);
                if (!here.isEmpty() && !found.isEmpty() && here.containsAll(found)) {
                    names.add(name);
                } else {
                    waiting.add(name);
                }
            }
        }
        return new Split(List.copyOf(names), List.copyOf(waiting));
    }

    private List<InetAddress> addresses(String name) {
        try {
            return dns.addresses(name).get(30, TimeUnit.SECONDS) instanceof DnsAnswer.Found<InetAddress> a ? a.values()
                    : List.of();
        } catch (Exception e) {
            return List.of();
        }
    }
}
