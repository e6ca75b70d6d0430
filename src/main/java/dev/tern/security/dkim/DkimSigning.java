package dev.tern.security.dkim;

import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What outbound delivery calls to sign a message: the signer of a sender domain, made from the
 * domain's stored keys, or nothing for a domain without keys.
 *
 * <p>Signers are cached per domain for {@link #DEFAULT_TTL} (the command line changes keys from
 * another process, which this cache cannot hear of), and dropped at once by {@link #invalidate}
 * when a change is made in this process. Domains without keys are cached too, since mail from
 * foreign sender domains passes through a relay.
 *
 * <p>Blocking: a cache miss reads the store, and signing reads the whole message and computes
 * signatures. Call it from a delivery or storage thread, never from an event loop.
 */
public final class DkimSigning {

    public static final Duration DEFAULT_TTL = Duration.ofMinutes(1);

    /** Beyond this many cached domains the cache starts over, so that it cannot grow without bound. */
    private static final int MAX_CACHED = 10_000;

    private static final Logger log = LoggerFactory.getLogger(DkimSigning.class);

    private final MetadataStore store;
    private final Clock clock;
    private final Duration ttl;
    private final ConcurrentHashMap<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(Optional<DkimSigner> signer, Instant loadedAt) {
    }

    public DkimSigning(MetadataStore store, Clock clock, Duration ttl) {
        this.store = store;
        this.clock = clock;
        this.ttl = ttl;
    }

    /**
     * The {@code DKIM-Signature:} fields for a message from {@code domain}, one per key of the
     * domain, each ending with CRLF: the octets to send before the message. Empty when the domain
     * has no keys (the message goes out unsigned). Reads {@code message} to its end; does not close it.
     *
     * @param domain  the domain of the From: address (RFC 5322.From), in A-labels or U-labels
     * @param message the message as queued: header section, empty line, body; CRLF line ends
     * @throws UnsignableMessageException when the message cannot be signed as it is: send it unsigned
     * @throws IOException                when the message cannot be read
     */
    public Optional<byte[]> signatureHeaders(String domain, InputStream message) throws IOException {
        Optional<DkimSigner> signer = signer(domain);
        if (signer.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(signer.get().sign(message));
    }

    /** The signer for a domain's keys, or empty when it has none. */
    public Optional<DkimSigner> signer(String domain) {
        String name = DkimKeys.domainKey(domain);
        Instant now = clock.instant();
        Cached c = cache.get(name);
        if (c == null || !now.isBefore(c.loadedAt().plus(ttl))) {
            c = new Cached(load(name), now);
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(name, c);
        }
        return c.signer();
    }

    /** Forgets the cached signer of a domain: its keys have changed. */
    public void invalidate(String domain) {
        cache.remove(DkimKeys.domainKey(domain));
    }

    private Optional<DkimSigner> load(String name) {
        List<Rows.DkimKey> rows = store.read(tx -> tx.directory().domain(name)
                .map(d -> tx.dkimKeys().keys(d.id())).orElse(List.of()));
        List<DkimKey> keys = new ArrayList<>();
        for (Rows.DkimKey r : rows) {
            try {
                keys.add(DkimKey.fromStored(r.selector(), r.algorithm(), r.privateKey(), r.publicKey()));
            } catch (IllegalArgumentException e) {
                // One broken key must not stop signing with the others.
                log.warn("DKIM key {} of {} skipped: {}", r.selector(), name, e.getMessage());
            }
        }
        // RSA first: a verifier that looks at the first signature only most likely knows rsa-sha256.
        keys.sort(Comparator.comparing(DkimKey::algorithm));
        return keys.isEmpty() ? Optional.empty() : Optional.of(new DkimSigner(name, keys, clock));
    }
}
