package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Adds an ARC set (RFC 8617) to a message this server passes on to another domain: what it found
 * when the message arrived ({@code ARC-Authentication-Results}, copied from its own
 * {@code Authentication-Results}), a signature of the message as it leaves
 * ({@code ARC-Message-Signature}, DKIM's form), and a seal over every ARC set so far
 * ({@code ARC-Seal}) whose {@code cv=} says whether the sets of the servers before were intact. A
 * receiver that trusts this server can then take its word for the SPF, DKIM and DMARC results that
 * forwarding broke (a rewritten envelope sender, a footer a list added).
 *
 * <p>Signed with rsa-sha256, relaxed/relaxed, the only algorithm ARC defines; a domain with only
 * Ed25519 keys gets no set. The sets already on the message are checked before sealing: each
 * {@code ARC-Seal}, and the newest {@code ARC-Message-Signature}, with keys from DNS.
 *
 * <p>Blocking: reads the whole message and waits for the key lookups. Thread-safe.
 */
public final class ArcSealer {

    private static final long KEY_LOOKUP_SECONDS = 30;

    private final String authservId;
    private final Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup;
    private final Clock clock;

    /**
     * @param authservId the name this server writes in its Authentication-Results fields: the one
     *                   whose results it vouches for
     * @param txtLookup  TXT records by name, for the keys of the sets already on a message
     */
    public ArcSealer(String authservId, Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup, Clock clock) {
        this.authservId = authservId;
        this.txtLookup = txtLookup;
        this.clock = clock;
    }

    /** What a seal said of the chain before it, and the fields to put on top of the message. */
    public record Sealed(String chainValidation, byte[] fields) {
    }

    /**
     * The ARC set for a message, with the RSA key of {@code signer}; null when it cannot be sealed
     * (no RSA key, 50 sets already, a header section it cannot read). Reads {@code message} to its
     * end; does not close it.
     *
     * @param arrival the header fields this server wrote when the message arrived (its
     *                Authentication-Results), kept beside the message rather than in it; null when
     *                none. Without one of this server's there, the message's own header is searched.
     */
    public Sealed seal(InputStream message, String arrival, DkimSigner signer) throws IOException {
        DkimKey key = signer.keys().stream().filter(k -> k.algorithm() == DkimAlgorithm.RSA_SHA256).findFirst().orElse(null);
        if (key == null) {
            return null;
        }
        InputStream in = message instanceof BufferedInputStream ? message : new BufferedInputStream(message, 65536);
        HeaderSection headers;
        try {
            headers = HeaderSection.read(in, null);
        } catch (UnsignableMessageException e) {
            return null;
        }
        BodyHasher relaxed = new BodyHasher(new BodyHasher.Key(Canonicalization.RELAXED, -1));
        BodyHasher simple = new BodyHasher(new BodyHasher.Key(Canonicalization.SIMPLE, -1));
        relaxed.update(headers.bodyStart(), 0, headers.bodyStart().length);
        simple.update(headers.bodyStart(), 0, headers.bodyStart().length);
        byte[] buffer = new byte[65536];
        int n;
        while ((n = in.read(buffer)) != -1) {
            relaxed.update(buffer, 0, n);
            simple.update(buffer, 0, n);
        }
        Map<Canonicalization, byte[]> bodyHashes = Map.of(Canonicalization.RELAXED, relaxed.finish().hash(),
                Canonicalization.SIMPLE, simple.finish().hash());

        ArcChain chain = ArcChain.of(headers.fields());
        int instance = chain.newest() + 1;
        if (instance > ArcChain.MAX_INSTANCE) {
            return null;
        }
        String cv = validation(chain, bodyHashes);
        long timestamp = clock.instant().getEpochSecond();

        String resultsField = "ARC-Authentication-Results: i=" + instance + "; " + ownResults(arrival, headers);
        String signatureField = DkimSigner.signatureField("ARC-Message-Signature", "i=" + instance + ";",
                signer.domain(), key, headers, DkimSigner.signedNames(headers),
                Base64.getEncoder().encodeToString(bodyHashes.get(Canonicalization.RELAXED)), timestamp);
        FoldedField seal = new FoldedField("ARC-Seal")
                .append("i=" + instance + ";", true)
                .append("a=rsa-sha256;", true)
                .append("t=" + timestamp + ";", true)
                .append("cv=" + cv + ";", true)
                .append("d=" + signer.domain() + ";", true)
                .append("s=" + key.selector() + ";", true)
                .append("b=", true);
        ByteArrayOutputStream data = chain.sealedData(instance - 1);
        data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(HeaderField.parse(resultsField)));
        data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(HeaderField.parse(signatureField)));
        data.writeBytes(RelaxedHeaderCanonicalizer.canonicalWithoutCrlf(HeaderField.parse(seal.toString()))
                .getBytes(StandardCharsets.ISO_8859_1));
        String sealField = seal.appendBreakable(Base64.getEncoder().encodeToString(
                DkimSigner.signature(key, data.toByteArray()))).toString();

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (String f : List.of(sealField, signatureField, resultsField)) {
            out.writeBytes(f.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(new byte[] {'\r', '\n'});
        }
        return new Sealed(cv, out.toByteArray());
    }

    /**
     * The results this server recorded when the message arrived: the value of its own first
     * Authentication-Results field, from the authserv-id on; "none" results when there is none.
     */
    private String ownResults(String arrival, HeaderSection headers) throws IOException {
        List<HeaderField> candidates = new java.util.ArrayList<>();
        if (arrival != null) {
            candidates.addAll(HeaderSection.read(new java.io.ByteArrayInputStream(
                    (arrival + "\r\n").getBytes(StandardCharsets.UTF_8)), null).fields());
        }
        candidates.addAll(headers.fields());
        for (HeaderField f : candidates) {
            if (!f.name().equals("authentication-results")) {
                continue;
            }
            String value = f.value().strip();   // folding kept: relaxed canonicalization unfolds it
            int end = 0;
            while (end < value.length() && value.charAt(end) != ';' && !Character.isWhitespace(value.charAt(end))) {
                end++;
            }
            if (value.substring(0, end).equalsIgnoreCase(authservId)) {
                return value;
            }
        }
        return authservId + "; none";
    }

    /** What the chain before says (RFC 8617 §5.2), waiting for its key lookups: none, pass or fail. */
    private String validation(ArcChain chain, Map<Canonicalization, byte[]> bodyHashes) {
        try {
            return chain.validate(bodyHashes::get, txtLookup).get(KEY_LOOKUP_SECONDS, TimeUnit.SECONDS).result();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "fail";
        } catch (Exception e) {
            return "fail";
        }
    }
}
