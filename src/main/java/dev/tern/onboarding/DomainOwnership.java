package dev.tern.onboarding;

import dev.tern.directory.Directory;
import dev.tern.directory.DirectoryException;
import dev.tern.store.MetadataStore;
import dev.tern.store.Rows;
import dev.tern.store.StoreTx;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Who controls a domain's DNS: each local domain has a random token, published as
 * {@code _tern-verify.<domain> TXT "tern-verify=<token>"}; when a check finds it there, the domain
 * is verified, and stays so. Only someone who can change the domain's zone can publish the token,
 * so a verified domain was added here by (or with the consent of) its owner.
 *
 * <p>Domains get their token when they are added; domains older than the tokens get theirs the
 * first time it is asked for. Every call reads or writes the store and blocks.
 */
public final class DomainOwnership {

    /** 20 random bytes (160 bits), written in 32 lower-case base32 letters and digits. */
    static final int TOKEN_BYTES = 20;
    private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final MetadataStore store;
    private final Clock clock;

    public DomainOwnership(MetadataStore store, Clock clock) {
        this.store = store;
        this.clock = clock;
    }

    /** The domain's token, made now when it has none. */
    public String token(String domain) {
        String key = Directory.domainKey(domain);
        Optional<Rows.DomainOwnership> existing = store.read(tx -> tx.domainOwnership().ownership(key));
        if (existing.isPresent()) {
            return existing.get().token();
        }
        return store.writeAndWait(tx -> ensure(tx, requireDomain(tx, key).id(), clock.instant())).token();
    }

    /** Gives a domain its token in the caller's transaction, unless it has one. */
    Rows.DomainOwnership ensure(StoreTx tx, long domainId, Instant now) {
        tx.domainOwnership().insert(domainId, newToken(), now);
        return tx.domainOwnership().ownership(domainId).orElseThrow();
    }

    /** When the domain's token was found in DNS; empty when it never was, or the domain is not local. */
    public Optional<Instant> verifiedAt(String domain) {
        String key = Directory.domainKey(domain);
        return store.read(tx -> tx.domainOwnership().ownership(key)).map(Rows.DomainOwnership::verifiedAt);
    }

    /**
     * Whether a domain is local and its ownership verified; false for any other name, valid or
     * not (what {@code require_verified_domain} asks at submission).
     */
    public boolean isVerified(String domain) {
        String key;
        try {
            key = Directory.domainKey(domain);
        } catch (DirectoryException e) {
            return false;
        }
        return verifiedAt(key).isPresent();
    }

    /** Records that the token was found now; returns when the domain counts as verified (the first time, kept). */
    Instant markVerified(String domain) {
        String key = Directory.domainKey(domain);
        Instant now = clock.instant();
        return store.writeAndWait(tx -> {
            Rows.Domain d = requireDomain(tx, key);
            ensure(tx, d.id(), now);
            tx.domainOwnership().markVerified(d.id(), now);
            return tx.domainOwnership().ownership(d.id()).orElseThrow().verifiedAt();
        });
    }

    static String newToken() {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        StringBuilder out = new StringBuilder(TOKEN_BYTES * 8 / 5);
        int buffer = 0;
        int bits = 0;
        for (byte b : bytes) {
            buffer = (buffer << 8) | (b & 0xff);
            bits += 8;
            while (bits >= 5) {
                out.append(BASE32[(buffer >> (bits - 5)) & 31]);
                bits -= 5;
            }
        }
        return out.toString();
    }

    private static Rows.Domain requireDomain(StoreTx tx, String key) {
        return tx.directory().domain(key).orElseThrow(() -> DirectoryException.notFound("no such domain: " + key));
    }
}
