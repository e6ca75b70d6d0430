package dev.tern.security.dkim;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Signature;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Signs messages for one domain with each of its keys (RFC 6376, RFC 8463): reads the message once,
 * and returns the {@code DKIM-Signature:} fields to put in front of it.
 *
 * <p>Canonicalization is relaxed/relaxed, which survives the whitespace and folding changes relays
 * make. Every algorithm Tern uses hashes with SHA-256 and the same body canonicalization, so the
 * body is hashed once for all keys, as it streams past; only the header fields are kept.
 *
 * <p>Signed fields: those of {@link #SIGNED_FIELDS} present in the message, each as many times as it
 * occurs; {@code From} once more (oversigned), so that a second From added on the way breaks the
 * signature instead of being shown under it. Instances are taken from the bottom up (§5.4.2).
 *
 * <p>Thread-safe: a signer holds only immutable state and can be shared.
 */
public final class DkimSigner {

    /** The fields worth protecting: what a reader sees and what decides how a message is shown. */
    public static final List<String> SIGNED_FIELDS = List.of("from", "sender", "reply-to", "subject", "date",
            "message-id", "to", "cc", "in-reply-to", "references", "mime-version", "content-type",
            "content-transfer-encoding", "list-id", "list-unsubscribe");

    private static final Set<String> OVERSIGNED = Set.of("from");
    private static final Set<String> WANTED = Set.copyOf(SIGNED_FIELDS);

    private final String domain;
    private final List<DkimKey> keys;
    private final Clock clock;

    /**
     * @param domain the signing domain ({@code d=}) in A-labels
     * @param keys   at least one key; each adds one signature
     */
    public DkimSigner(String domain, List<DkimKey> keys, Clock clock) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a signer needs at least one key");
        }
        this.domain = domain.toLowerCase(Locale.ROOT);
        this.keys = List.copyOf(keys);
        this.clock = clock;
    }

    public String domain() {
        return domain;
    }

    public List<DkimKey> keys() {
        return keys;
    }

    /**
     * The signature fields for a message, one per key, each ending with CRLF, concatenated: the
     * octets to write before the message. Reads {@code message} to its end; does not close it.
     *
     * @throws UnsignableMessageException when a header line is too long to sign
     * @throws IOException                when the message cannot be read
     */
    public byte[] sign(InputStream message) throws IOException {
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        HeaderSection headers = HeaderSection.read(in, WANTED);
        String bodyHash = Base64.getEncoder().encodeToString(bodyHash(headers.bodyStart(), in));
        long timestamp = clock.instant().getEpochSecond();
        List<String> signedNames = signedNames(headers);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DkimKey key : keys) {
            out.writeBytes(signatureField(key, headers, signedNames, bodyHash, timestamp).getBytes(StandardCharsets.US_ASCII));
            out.writeBytes(new byte[]{'\r', '\n'});
        }
        return out.toByteArray();
    }

    static byte[] bodyHash(byte[] bodyStart, InputStream rest) throws IOException {
        MessageDigest sha256 = sha256();
        RelaxedBodyCanonicalizer body = new RelaxedBodyCanonicalizer(new DigestSink(sha256));
        body.write(bodyStart, 0, bodyStart.length);
        byte[] buffer = new byte[65536];
        int n;
        while ((n = rest.read(buffer)) != -1) {
            body.write(buffer, 0, n);
        }
        body.finish();
        return sha256.digest();
    }

    /** The {@code h=} list: each field as often as it occurs, oversigned ones once more. */
    static List<String> signedNames(HeaderSection headers) {
        List<String> names = new ArrayList<>();
        for (String name : SIGNED_FIELDS) {
            int n = headers.count(name) + (OVERSIGNED.contains(name) ? 1 : 0);
            for (int i = 0; i < n; i++) {
                names.add(name);
            }
        }
        return names;
    }

    private String signatureField(DkimKey key, HeaderSection headers, List<String> signedNames, String bodyHash,
                                  long timestamp) {
        return signatureField("DKIM-Signature", "v=1;", domain, key, headers, signedNames, bodyHash, timestamp);
    }

    /**
     * A signed field of the DKIM form: {@code DKIM-Signature} ({@code v=1}), or ARC's
     * {@code ARC-Message-Signature} ({@code i=N}), which differs only in its name and first tag.
     */
    static String signatureField(String fieldName, String firstTag, String domain, DkimKey key, HeaderSection headers,
                                 List<String> signedNames, String bodyHash, long timestamp) {
        FoldedField field = new FoldedField(fieldName)
                .append(firstTag, true)
                .append("a=" + key.algorithm().tagValue() + ";", true)
                .append("c=relaxed/relaxed;", true)
                .append("d=" + domain + ";", true)
                .append("s=" + key.selector() + ";", true)
                .append("t=" + timestamp + ";", true);
        for (int i = 0; i < signedNames.size(); i++) {
            String piece = (i == 0 ? "h=" : ":") + signedNames.get(i) + (i == signedNames.size() - 1 ? ";" : "");
            field.append(piece, i == 0);
        }
        field.append("bh=" + bodyHash + ";", true).append("b=", true);
        byte[] signedData = headerData(headers, signedNames, field.toString());
        return field.appendBreakable(Base64.getEncoder().encodeToString(signature(key, signedData))).toString();
    }

    /**
     * The header hash input (RFC 6376 §3.7): the signed fields canonicalized, then this signature's
     * own field with an empty {@code b=} and no final CRLF.
     */
    private static byte[] headerData(HeaderSection headers, List<String> signedNames, String unsignedField) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, Integer> used = new HashMap<>();
        for (String name : signedNames) {
            int fromBottom = used.merge(name, 1, Integer::sum) - 1;
            HeaderField f = headers.fromBottom(name, fromBottom);
            if (f != null) {
                data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(f));
            }
        }
        HeaderField own = HeaderField.parse(unsignedField);
        data.writeBytes(RelaxedHeaderCanonicalizer.canonicalWithoutCrlf(own).getBytes(StandardCharsets.ISO_8859_1));
        return data.toByteArray();
    }

    static byte[] signature(DkimKey key, byte[] headerData) {
        try {
            Signature s;
            if (key.algorithm() == DkimAlgorithm.RSA_SHA256) {
                s = Signature.getInstance("SHA256withRSA");
                s.initSign(key.privateKey());
                s.update(headerData);
            } else {
                // RFC 8463 §3: Ed25519 (pure) signs the SHA-256 hash of the header data, not the data.
                s = Signature.getInstance("Ed25519");
                s.initSign(key.privateKey());
                s.update(sha256().digest(headerData));
            }
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with " + key + ": " + e.getMessage(), e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this Java runtime", e);
        }
    }

    /** Feeds a digest: the canonical body goes nowhere else. */
    private static final class DigestSink extends OutputStream {
        private final MessageDigest digest;

        DigestSink(MessageDigest digest) {
            this.digest = digest;
        }

        @Override
        public void write(int b) {
            digest.update((byte) b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
        }
    }
}
