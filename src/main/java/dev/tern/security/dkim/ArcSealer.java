package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.time.Clock;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

    /** RFC 8617 §4.2.1: instances go from 1 to 50. */
    static final int MAX_INSTANCE = 50;
    private static final long KEY_LOOKUP_SECONDS = 30;
    private static final Pattern AAR_INSTANCE = Pattern.compile("^\\s*i\\s*=\\s*(\\d+)\\s*;");

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

    /** The three fields of one instance. */
    private static final class ArcSet {
        HeaderField results;
        HeaderField signature;
        HeaderField seal;
        int count;
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

        TreeMap<Integer, ArcSet> sets = sets(headers);
        int instance = sets.isEmpty() ? 1 : sets.lastKey() + 1;
        if (instance > MAX_INSTANCE) {
            return null;
        }
        String cv = sets.isEmpty() ? "none" : (chainIntact(sets, headers, bodyHashes) ? "pass" : "fail");
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
        ByteArrayOutputStream data = sealedData(sets, instance - 1);
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

    /** The ARC sets on the message by instance; an unreadable instance counts as instance 0, which fails the chain. */
    private static TreeMap<Integer, ArcSet> sets(HeaderSection headers) {
        TreeMap<Integer, ArcSet> sets = new TreeMap<>();
        for (HeaderField f : headers.fields()) {
            if (!f.name().startsWith("arc-")) {
                continue;
            }
            int i = instanceOf(f);
            ArcSet set = sets.computeIfAbsent(i, k -> new ArcSet());
            switch (f.name()) {
                case "arc-authentication-results" -> set.results = f;
                case "arc-message-signature" -> set.signature = f;
                case "arc-seal" -> set.seal = f;
                default -> {
                    continue;
                }
            }
            set.count++;
        }
        return sets;
    }

    private static int instanceOf(HeaderField f) {
        String value = f.value().replace("\r\n", "");
        if (f.name().equals("arc-authentication-results")) {
            Matcher m = AAR_INSTANCE.matcher(value);
            return m.find() ? parseInstance(m.group(1)) : 0;
        }
        try {
            String i = TagList.parseLeniently(value).get("i");
            return i == null ? 0 : parseInstance(TagList.withoutWhitespace(i));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    private static int parseInstance(String digits) {
        try {
            int i = Integer.parseInt(digits);
            return i >= 1 && i <= MAX_INSTANCE ? i : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /**
     * RFC 8617 §5.2: every instance from 1 up complete and single, the first seal {@code cv=none}
     * and the others {@code cv=pass}, every seal and the newest message signature verified.
     */
    private boolean chainIntact(TreeMap<Integer, ArcSet> sets, HeaderSection headers,
                                Map<Canonicalization, byte[]> bodyHashes) {
        int newest = sets.lastKey();
        for (int i = 1; i <= newest; i++) {
            ArcSet set = sets.get(i);
            if (set == null || set.count != 3 || set.results == null || set.signature == null || set.seal == null) {
                return false;
            }
            String cv = tag(set.seal, "cv");
            if (!(i == 1 ? "none" : "pass").equals(cv)) {
                return false;
            }
        }
        if (sets.containsKey(0)) {
            return false;
        }
        if (!messageSignatureVerifies(sets.get(newest).signature, headers, bodyHashes)) {
            return false;
        }
        for (int i = 1; i <= newest; i++) {
            ByteArrayOutputStream data = sealedData(sets, i - 1);
            ArcSet set = sets.get(i);
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.results));
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.signature));
            HeaderField unsigned = new HeaderField(set.seal.name(), SignatureCheck.withEmptySignature(set.seal.raw()));
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalWithoutCrlf(unsigned).getBytes(StandardCharsets.ISO_8859_1));
            if (!verifies(set.seal, data.toByteArray())) {
                return false;
            }
        }
        return true;
    }

    /** The complete sets 1 to {@code through}, each results, signature and seal in that order (RFC 8617 §5.1.1). */
    private static ByteArrayOutputStream sealedData(TreeMap<Integer, ArcSet> sets, int through) {
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (int i = 1; i <= through; i++) {
            ArcSet set = sets.get(i);
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.results));
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.signature));
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.seal));
        }
        return data;
    }

    /** The newest ARC-Message-Signature against the message as it is now (RFC 8617 §5.2 step 4). */
    private boolean messageSignatureVerifies(HeaderField field, HeaderSection headers,
                                             Map<Canonicalization, byte[]> bodyHashes) {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.value().replace("\r\n", ""));
        } catch (IllegalArgumentException e) {
            return false;
        }
        String c = tags.getOrDefault("c", "simple/simple");
        String[] forms = c.split("/", -1);
        Canonicalization headerForm = Canonicalization.fromTagValue(forms[0].strip());
        Canonicalization bodyForm = forms.length > 1 ? Canonicalization.fromTagValue(forms[1].strip()) : Canonicalization.SIMPLE;
        String bh = tags.get("bh");
        String h = tags.get("h");
        if (headerForm == null || bodyForm == null || bh == null || h == null || tags.containsKey("l")) {
            return false;
        }
        byte[] claimed;
        try {
            claimed = Base64.getDecoder().decode(TagList.withoutWhitespace(bh));
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (!MessageDigest.isEqual(claimed, bodyHashes.get(bodyForm))) {
            return false;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, Integer> used = new HashMap<>();
        for (String name : TagList.withoutWhitespace(h).split(":")) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("arc-seal")) {
                return false;   // RFC 8617 §4.1.2: a message signature must not cover seals
            }
            HeaderField f = headers.fromBottom(lower, used.merge(lower, 1, Integer::sum) - 1);
            if (f == field) {
                f = headers.fromBottom(lower, used.merge(lower, 1, Integer::sum) - 1);
            }
            if (f != null) {
                data.writeBytes(headerForm.header(f));
            }
        }
        HeaderField unsigned = new HeaderField(field.name(), SignatureCheck.withEmptySignature(field.raw()));
        data.writeBytes(headerForm.headerWithoutCrlf(unsigned).getBytes(StandardCharsets.ISO_8859_1));
        return verifies(field, data.toByteArray());
    }

    /** An rsa-sha256 signature of an ARC field, with the key its d= and s= name. */
    private boolean verifies(HeaderField field, byte[] data) {
        Map<String, String> tags;
        try {
            tags = TagList.parse(field.value().replace("\r\n", ""));
        } catch (IllegalArgumentException e) {
            return false;
        }
        String d = tags.get("d");
        String s = tags.get("s");
        String b = tags.get("b");
        if (!"rsa-sha256".equalsIgnoreCase(tags.get("a")) || d == null || s == null || b == null) {
            return false;
        }
        DnsAnswer<String> answer;
        try {
            answer = txtLookup.apply(s + "._domainkey." + d).get(KEY_LOOKUP_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        }
        for (String record : answer.values()) {
            try {
                DkimPublicKey key = DkimPublicKey.parse(record, DkimAlgorithm.RSA_SHA256);
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(key.key());
                verifier.update(data);
                return verifier.verify(Base64.getDecoder().decode(TagList.withoutWhitespace(b)));
            } catch (SignatureCheckException | IllegalArgumentException e) {
                // the next record, if any
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        return false;
    }

    private static String tag(HeaderField field, String name) {
        try {
            String v = TagList.parse(field.value().replace("\r\n", "")).get(name);
            return v == null ? null : TagList.withoutWhitespace(v).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
