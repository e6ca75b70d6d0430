package dev.tern.dns;

import dev.tern.config.DnsSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Cache;
import org.xbill.DNS.DClass;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.ResolverConfig;
import org.xbill.DNS.ReverseMap;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Asynchronous DNS lookups through the configured recursive resolvers, with a cache that keeps
 * answers (positive and negative) for their TTL. Every method returns at once; the answer
 * completes a future, on a DNS thread or, from the cache, on the caller's thread. Callers on an
 * event loop may chain light work onto the futures; anything heavier belongs on their own executor.
 *
 * <p>Lookups never fail exceptionally: every outcome, including timeouts and network errors, is a
 * {@link DnsAnswer}.
 */
public final class DnsResolver implements AutoCloseable {

    /** CNAMEs followed for one lookup; real chains have one or two links, longer ones are loops or abuse. */
    static final int MAX_CNAME_CHAIN = 8;
    /** Each query is sent this many times to each nameserver before the lookup fails (as resolv.conf's "attempts"). */
    static final int TRIES_PER_NAMESERVER = 2;
    /** Longest time a positive answer is cached whatever its TTL says, so that a mistake does not stick. */
    static final int MAX_CACHE_SECONDS = 24 * 3600;
    /** Longest time "no such name/record" is cached (RFC 2308 §5), so a newly published domain is seen soon. */
    static final int MAX_NEGATIVE_CACHE_SECONDS = 15 * 60;
    private static final int THREADS = 2;
    private static final Duration TIMER_TICK = Duration.ofSeconds(1);

    private static final Logger log = LoggerFactory.getLogger(DnsResolver.class);

    private final ExecutorService executor;
    private final LookupSession session;
    /** The resolvers themselves, for the lookups whose DNSSEC status matters (they bypass the cache). */
    private final Resolver resolver;

    public DnsResolver(DnsSettings settings) {
        this(settings, true);
    }

    /**
     * @param cache keep answers for their TTL; without, every lookup asks the nameservers, as
     *              checking records someone has just published needs (a cached "no such name"
     *              could otherwise hide a new record for up to {@value #MAX_NEGATIVE_CACHE_SECONDS} seconds)
     */
    public DnsResolver(DnsSettings settings, boolean cache) {
        List<InetSocketAddress> servers = settings.nameservers().isEmpty()
                ? ResolverConfig.getCurrentConfig().servers() : settings.nameservers();
        List<Resolver> resolvers = new ArrayList<>();
        for (InetSocketAddress server : servers) {
            SimpleResolver r = new SimpleResolver(server);
            r.setTimeout(settings.timeout());
            resolvers.add(r);
        }
        ExtendedResolver resolver = new ExtendedResolver(resolvers);
        resolver.setRetries(TRIES_PER_NAMESERVER);
        // The overall limit only stops further tries, so it must leave room for every try to time
        // out; and dnsjava notices timeouts on a one-second tick, so each try may run a second late.
        resolver.setTimeout(settings.timeout().plus(TIMER_TICK)
                .multipliedBy((long) TRIES_PER_NAMESERVER * Math.max(1, servers.size())));

        this.resolver = resolver;
        executor = newExecutor();
        LookupSession.LookupSessionBuilder builder = LookupSession.builder()
                .resolver(resolver)
                .executor(executor)
                .maxRedirects(MAX_CNAME_CHAIN);
        if (cache) {
            Cache answers = new Cache(DClass.IN);
            answers.setMaxCache(MAX_CACHE_SECONDS);
            answers.setMaxNCache(MAX_NEGATIVE_CACHE_SECONDS);
            builder.cache(answers);
        }
        session = builder.build();
    }

    /**
     * Records of one type for a name, CNAMEs followed.
     *
     * @param name a domain name in ASCII (A-labels), with or without the final dot; always taken as absolute
     * @param type a {@link Type} constant such as {@link Type#MX}
     * @throws IllegalArgumentException when {@code name} is not a valid domain name
     */
    public CompletableFuture<DnsAnswer<Record>> lookup(String name, int type) {
        return lookup(absolute(name), type);
    }

    public CompletableFuture<DnsAnswer<Record>> lookup(Name name, int type) {
        CompletableFuture<DnsAnswer<Record>> answer = new CompletableFuture<>();
        try {
            session.lookupAsync(name, type).whenComplete((result, error) -> answer.complete(error == null
                    ? found(result, type)
                    : LookupFailures.toAnswer(error, name, type)));
        } catch (RuntimeException e) {
            answer.complete(LookupFailures.toAnswer(e, name, type));
        }
        return answer;
    }

    /**
     * The TXT records of a name (SPF, DKIM keys, DMARC policies): one string per record, its
     * character-strings joined without separator as RFC 7208 §3.3 and RFC 6376 §3.6.2.2 require.
     */
    public CompletableFuture<DnsAnswer<String>> txt(String name) {
        return lookup(name, Type.TXT).thenApply(a -> a.map(r -> joinedText((TXTRecord) r)));
    }

    /**
     * The IPv6 and IPv4 addresses of a host, asked for in parallel; IPv6 addresses first. When one
     * of the two lookups fails temporarily, the addresses the other found are still an answer.
     */
    public CompletableFuture<DnsAnswer<InetAddress>> addresses(String host) {
        return addresses(absolute(host));
    }

    public CompletableFuture<DnsAnswer<InetAddress>> addresses(Name host) {
        CompletableFuture<DnsAnswer<InetAddress>> v6 =
                lookup(host, Type.AAAA).thenApply(a -> a.map(r -> ((AAAARecord) r).getAddress()));
        CompletableFuture<DnsAnswer<InetAddress>> v4 =
                lookup(host, Type.A).thenApply(a -> a.map(r -> ((ARecord) r).getAddress()));
        return v6.thenCombine(v4, DnsResolver::bothFamilies);
    }

    /** The host names of an address (PTR records in in-addr.arpa or ip6.arpa), without the final dot. */
    public CompletableFuture<DnsAnswer<String>> hostnames(InetAddress address) {
        return lookup(ReverseMap.fromAddress(address), Type.PTR)
                .thenApply(a -> a.map(r -> ((PTRRecord) r).getTarget().toString(true)));
    }

    /**
     * Records of one type for a name, with whether the recursive resolver validated them with
     * DNSSEC (the AD bit of its answer, which the query asks for as RFC 6840 §5.7 allows). The
     * answer is read the way DANE needs it (RFC 7672 §2.1): a validated "no such name" or "no
     * records" counts as secure too, and a CNAME chain in the answer is followed to its end.
     *
     * <p>Not cached here: DANE asks this for every delivery, and a validating resolver on the
     * host or its network, which the AD bit is only as good as, keeps its own cache.
     */
    public CompletableFuture<ValidatedAnswer> validated(String name, int type) {
        Name asked = absolute(name);
        Message query = Message.newQuery(Record.newRecord(asked, type, DClass.IN));
        query.getHeader().setFlag(Flags.AD);
        CompletableFuture<ValidatedAnswer> answer = new CompletableFuture<>();
        try {
            resolver.sendAsync(query, executor).whenComplete((response, error) -> answer.complete(error == null
                    ? ValidatedAnswer.of(asked, type, response)
                    : new ValidatedAnswer(LookupFailures.toAnswer(error, asked, type), false, asked)));
        } catch (RuntimeException e) {
            answer.complete(new ValidatedAnswer(LookupFailures.toAnswer(e, asked, type), false, asked));
        }
        return answer;
    }

    /** Stops the DNS threads. Lookups still in flight complete on dnsjava's own I/O thread. */
    @Override
    public void close() {
        executor.shutdown();
    }

    static Name absolute(String name) {
        try {
            return Name.fromString(name, Name.root);
        } catch (TextParseException e) {
            throw new IllegalArgumentException("\"" + name + "\" is not a domain name: " + e.getMessage(), e);
        }
    }

    private static DnsAnswer<Record> found(LookupResult result, int type) {
        List<Record> records = result.getRecords().stream()
                .filter(r -> type == Type.ANY || r.getType() == type)
                .toList();
        return records.isEmpty() ? new DnsAnswer.NoData<>() : new DnsAnswer.Found<>(records);
    }

    private static DnsAnswer<InetAddress> bothFamilies(DnsAnswer<InetAddress> v6, DnsAnswer<InetAddress> v4) {
        if (v6 instanceof DnsAnswer.Found || v4 instanceof DnsAnswer.Found) {
            List<InetAddress> all = new ArrayList<>(v6.values());
            all.addAll(v4.values());
            if (v6 instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                log.debug("using IPv4 addresses only: {}", t.reason());
            } else if (v4 instanceof DnsAnswer.TemporaryFailure<InetAddress> t) {
                log.debug("using IPv6 addresses only: {}", t.reason());
            }
            return new DnsAnswer.Found<>(all);
        }
        if (v6 instanceof DnsAnswer.TemporaryFailure) {
            return v6;
        }
        if (v4 instanceof DnsAnswer.TemporaryFailure) {
            return v4;
        }
        if (v6 instanceof DnsAnswer.NoSuchDomain && v4 instanceof DnsAnswer.NoSuchDomain) {
            return v6;
        }
        return new DnsAnswer.NoData<>();
    }

    /** Joined as bytes first: a multi-byte UTF-8 character may straddle two character-strings. */
    private static String joinedText(TXTRecord record) {
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (byte[] part : record.getStringsAsByteArrays()) {
            joined.writeBytes(part);
        }
        return joined.toString(StandardCharsets.UTF_8);
    }

    /**
     * Small and fixed: the threads only parse answers and run the continuations callers chain on.
     * After {@link #close()} the work runs where it arrives instead of being dropped, so no
     * future is left pending.
     */
    private static ExecutorService newExecutor() {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(THREADS, THREADS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "tern-dns-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                },
                (task, pool) -> task.run());
    }
}
