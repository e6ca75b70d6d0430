package dev.tern.forwarding;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The Sender Rewriting Scheme in libsrs2's guarded form. A forwarded message must leave with an
 * envelope sender in a domain of ours, or the next hop's SPF check fails; the rewritten sender
 * carries the original one, so that a bounce sent to it can be passed back, and a keyed hash with a
 * day stamp, so that only addresses we minted recently are passed back: otherwise the rewritten
 * domain would be an open reflector for forged bounces.
 *
 * <p>{@code SRS0=HHHH=TT=domain=local} is what a first forwarder makes of an ordinary sender. A
 * second forwarder does not wrap that again (addresses would grow with every hop, and a bounce
 * would have to retrace every forwarder): it makes {@code SRS1=HHHH=firstdomain==HHHH=TT=domain=local},
 * which its own bounce handling sends straight to the first forwarder, and a third forwarder only
 * re-signs that. SRS1 has no day stamp of its own: the inner SRS0 is checked, with its own stamp,
 * by the first forwarder.
 *
 * <p>The hash is the first 40 bits of HMAC-SHA256, base32, over the lower-cased fields that follow it,
 * run together as libsrs2 does: lower-cased because some mail servers on the way lower-case local
 * parts; without separators, so moving the boundary between domain and local part keeps the hash,
 * which only lets someone reach an address they could as well have forged as the sender in the
 * first place. Comparison is in constant time, so a hash cannot be guessed a character at a time.
 *
 * <p>Thread-safe; the secret is kept only as the HMAC key.
 */
public final class SenderRewriting {

    /** Days a rewritten address stays valid for a bounce, as postsrsd's default. */
    public static final int DEFAULT_MAX_AGE_DAYS = 21;

    private static final String ALGORITHM = "HmacSHA256";
    private static final String BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    /** Base32 characters of the hash: 40 bits, far beyond guessing within a stamp's lifetime. */
    private static final int HASH_CHARS = 8;
    /** Two base32 characters hold the day number modulo 1024. */
    private static final int TIME_SLOTS = 1024;
    private static final long MILLIS_PER_DAY = 86_400_000L;
    private static final int MIN_SECRET_BYTES = 16;
    /** Keeps the window clear of the stamp's wraparound, so an old stamp never passes as a recent one. */
    private static final int MAX_MAX_AGE_DAYS = 1000;
    private static final String SRS0 = "SRS0";
    private static final String SRS1 = "SRS1";
    private static final char SEPARATOR = '=';
    private static final int MAX_DOMAIN_LENGTH = 253;
    private static final int MAX_LABEL_LENGTH = 63;

    private final SecretKeySpec key;
    private final int maxAgeDays;
    private final Clock clock;

    private record Srs0(String hash, String timestamp, String domain, String local) {
    }

    /** {@code opaque} begins with the separator that followed "SRS0" in the first forwarder's address. */
    private record Srs1(String hash, String firstDomain, String opaque) {
    }

    /**
     * @param secret     the HMAC key, at least 16 bytes; it must be the same on every node that
     *                   receives bounces, and outlive the addresses it signed by maxAgeDays
     * @param maxAgeDays how long a rewritten address is honoured, 1 to 1000 days
     * @throws IllegalArgumentException for a short secret or a max age out of range
     */
    public SenderRewriting(byte[] secret, int maxAgeDays, Clock clock) {
        Objects.requireNonNull(secret, "secret");
        if (secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("SRS secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (maxAgeDays < 1 || maxAgeDays > MAX_MAX_AGE_DAYS) {
            throw new IllegalArgumentException("SRS max age must be 1 to " + MAX_MAX_AGE_DAYS + " days: " + maxAgeDays);
        }
        this.key = new SecretKeySpec(secret, ALGORITHM);
        this.maxAgeDays = maxAgeDays;
        this.clock = Objects.requireNonNull(clock, "clock");
        newMac();
    }

    /**
     * Whether a local part is in the SRS form (SRS0= or SRS1=, any case), whatever its hash.
     * "+" and "-" count as the first separator as well, as libsrs2 reads them, so that everything
     * {@link #reverse} may accept is recognised here.
     */
    public static boolean isRewritten(String localPart) {
        return localPart != null && (hasTag(localPart, SRS0) || hasTag(localPart, SRS1));
    }

    /**
     * The envelope sender to forward a message with from {@code forwarderDomain}: the sender itself is
     * never passed here when it is null or local (the caller decides that). Returns local@forwarderDomain
     * where local is SRS0=HHHH=TT=domain=local (from an ordinary address), or SRS1=HHHH=firstdomain==rest
     * when the sender is already an SRS0 address of another forwarder, or a re-hashed SRS1 keeping its first
     * forwarder when the sender is an SRS1 address.
     *
     * <p>An SRS1 sender too broken to re-sign (no first domain, nothing after it) is rewritten as an
     * ordinary address, so that a bounce still finds its way back to it.
     *
     * @throws IllegalArgumentException when the sender could not be read back by {@link #reverse}: an
     *                                  empty local part, characters outside printable ASCII, spaces or
     *                                  angle brackets, or a sender domain that is not a dotted host name;
     *                                  or a forwarder domain that is empty or holds such characters or "@"
     */
    public String forward(String senderLocalPart, String senderDomain, String forwarderDomain) {
        Objects.requireNonNull(senderLocalPart, "senderLocalPart");
        Objects.requireNonNull(senderDomain, "senderDomain");
        Objects.requireNonNull(forwarderDomain, "forwarderDomain");
        if (!isAddressText(senderLocalPart)) {
            throw new IllegalArgumentException("sender local part cannot be rewritten: " + printable(senderLocalPart));
        }
        if (!isDomain(senderDomain)) {
            throw new IllegalArgumentException("sender domain cannot be rewritten: " + printable(senderDomain));
        }
        if (!isAddressText(forwarderDomain) || forwarderDomain.indexOf('@') >= 0) {
            throw new IllegalArgumentException("not a forwarder domain: " + printable(forwarderDomain));
        }
        Optional<Srs1> srs1 = hasTag(senderLocalPart, SRS1) ? parseSrs1(senderLocalPart) : Optional.empty();
        String local;
        if (srs1.isPresent()) {
            local = srs1LocalPart(srs1.get().firstDomain(), srs1.get().opaque());
        } else if (hasTag(senderLocalPart, SRS0) && senderLocalPart.length() > SRS0.length() + 1) {
            local = srs1LocalPart(senderDomain, senderLocalPart.substring(SRS0.length()));
        } else {
            String timestamp = timestamp(today());
            local = SRS0 + SEPARATOR + hash(timestamp, senderDomain, senderLocalPart)
                    + SEPARATOR + timestamp + SEPARATOR + senderDomain + SEPARATOR + senderLocalPart;
        }
        return local + "@" + forwarderDomain;
    }

    /**
     * The address a rewritten local part (received at one of our domains) stands for, when its hash
     * is ours and (for SRS0) its timestamp is within maxAgeDays; empty otherwise (not SRS, forged,
     * expired, malformed). SRS0 → "local@domain"; SRS1 → "SRS0" + rest + "@" + firstdomain.
     *
     * <p>Never throws on what a remote client sent: everything unexpected is simply not ours.
     */
    public Optional<String> reverse(String localPart) {
        if (localPart == null || !isAddressText(localPart)) {
            return Optional.empty();
        }
        if (hasTag(localPart, SRS0)) {
            return parseSrs0(localPart)
                    .filter(s -> hashMatches(s.hash(), s.timestamp(), s.domain(), s.local()))
                    .filter(s -> isRecent(s.timestamp()))
                    .map(s -> s.local() + "@" + s.domain());
        }
        if (hasTag(localPart, SRS1)) {
            return parseSrs1(localPart)
                    .filter(s -> hashMatches(s.hash(), s.firstDomain(), s.opaque()))
                    .map(s -> SRS0 + s.opaque() + "@" + s.firstDomain());
        }
        return Optional.empty();
    }

    private String srs1LocalPart(String firstDomain, String opaque) {
        return SRS1 + SEPARATOR + hash(firstDomain, opaque) + SEPARATOR + firstDomain + SEPARATOR + opaque;
    }

    /** hash=TT=domain=local after "SRS0" and its separator; the local part keeps any "=" of its own. */
    private static Optional<Srs0> parseSrs0(String localPart) {
        int hashStart = SRS0.length() + 1;
        int hashEnd = localPart.indexOf(SEPARATOR, hashStart);
        if (hashEnd < 0) {
            return Optional.empty();
        }
        int timestampEnd = localPart.indexOf(SEPARATOR, hashEnd + 1);
        if (timestampEnd < 0) {
            return Optional.empty();
        }
        int domainEnd = localPart.indexOf(SEPARATOR, timestampEnd + 1);
        if (domainEnd < 0) {
            return Optional.empty();
        }
        String hash = localPart.substring(hashStart, hashEnd);
        String timestamp = localPart.substring(hashEnd + 1, timestampEnd);
        String domain = localPart.substring(timestampEnd + 1, domainEnd);
        String local = localPart.substring(domainEnd + 1);
        if (hash.isEmpty() || decodeTimestamp(timestamp) < 0 || !isDomain(domain) || local.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Srs0(hash, timestamp, domain, local));
    }

    /** hash=firstdomain=opaque after "SRS1" and its separator, the opaque part starting with a separator. */
    private static Optional<Srs1> parseSrs1(String localPart) {
        int hashStart = SRS1.length() + 1;
        int hashEnd = localPart.indexOf(SEPARATOR, hashStart);
        if (hashEnd < 0) {
            return Optional.empty();
        }
        int domainEnd = localPart.indexOf(SEPARATOR, hashEnd + 1);
        if (domainEnd < 0) {
            return Optional.empty();
        }
        String hash = localPart.substring(hashStart, hashEnd);
        String firstDomain = localPart.substring(hashEnd + 1, domainEnd);
        String opaque = localPart.substring(domainEnd + 1);
        if (hash.isEmpty() || !isDomain(firstDomain) || opaque.length() < 2 || !isSeparator(opaque.charAt(0))) {
            return Optional.empty();
        }
        return Optional.of(new Srs1(hash, firstDomain, opaque));
    }

    private static boolean hasTag(String localPart, String tag) {
        return localPart.length() > tag.length()
                && localPart.regionMatches(true, 0, tag, 0, tag.length())
                && isSeparator(localPart.charAt(tag.length()));
    }

    private static boolean isSeparator(char c) {
        return c == '=' || c == '+' || c == '-';
    }

    private boolean hashMatches(String given, String... fields) {
        byte[] expected = hash(fields).getBytes(StandardCharsets.US_ASCII);
        byte[] actual = given.toUpperCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, actual);
    }

    private String hash(String... fields) {
        StringBuilder data = new StringBuilder();
        for (String field : fields) {
            data.append(field);
        }
        byte[] mac = newMac().doFinal(data.toString().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
        long bits = 0;
        for (int i = 0; i < HASH_CHARS * 5 / 8; i++) {
            bits = bits << 8 | (mac[i] & 0xff);
        }
        char[] out = new char[HASH_CHARS];
        for (int i = 0; i < HASH_CHARS; i++) {
            out[i] = BASE32.charAt((int) (bits >>> (5 * (HASH_CHARS - 1 - i))) & 31);
        }
        return new String(out);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    /** UTC day number, whatever the clock's zone: every node must stamp and check the same day. */
    private long today() {
        return Math.floorDiv(clock.millis(), MILLIS_PER_DAY);
    }

    private static String timestamp(long day) {
        int slot = (int) Math.floorMod(day, (long) TIME_SLOTS);
        return "" + BASE32.charAt(slot >> 5) + BASE32.charAt(slot & 31);
    }

    /** The slot (0 to 1023) a two-character stamp stands for, or -1. */
    private static int decodeTimestamp(String timestamp) {
        if (timestamp.length() != 2) {
            return -1;
        }
        int high = BASE32.indexOf(Character.toUpperCase(timestamp.charAt(0)));
        int low = BASE32.indexOf(Character.toUpperCase(timestamp.charAt(1)));
        return high < 0 || low < 0 ? -1 : high << 5 | low;
    }

    /** Days since the stamp, modulo the slots: a stamp from the future counts as about 1024 days old. */
    private boolean isRecent(String timestamp) {
        long age = Math.floorMod(today() - decodeTimestamp(timestamp), (long) TIME_SLOTS);
        return age <= maxAgeDays;
    }

    /** Text that can stand in an address on an SMTP command line without quoting trouble or injection. */
    private static boolean isAddressText(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 0x7f || c == '<' || c == '>') {
                return false;
            }
        }
        return true;
    }

    /** A dotted host name of letters, digits and hyphens (A-labels included): what a bounce can be routed to. */
    private static boolean isDomain(String s) {
        if (s.isEmpty() || s.length() > MAX_DOMAIN_LENGTH || s.indexOf('.') < 0) {
            return false;
        }
        int labelStart = 0;
        for (int i = 0; i <= s.length(); i++) {
            if (i == s.length() || s.charAt(i) == '.') {
                int length = i - labelStart;
                if (length == 0 || length > MAX_LABEL_LENGTH
                        || s.charAt(labelStart) == '-' || s.charAt(i - 1) == '-') {
                    return false;
                }
                labelStart = i + 1;
            } else {
                char c = s.charAt(i);
                boolean ldh = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ldh) {
                    return false;
                }
            }
        }
        return true;
    }

    /** For messages: control characters escaped, so a hostile value cannot forge log lines. */
    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < ' ' || c == 0x7f) {
                out.append(String.format("\\x%02x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
