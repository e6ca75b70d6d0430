package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The ARC sets on a message (RFC 8617) and their validation (§5.2): every instance from 1 up
 * present once, the first seal {@code cv=none} and the others {@code cv=pass}, every
 * {@code ARC-Seal} and the newest {@code ARC-Message-Signature} verified with keys from DNS. Used
 * by the sealer, before it adds a set, and on arrival, for the Authentication-Results.
 */
final class ArcChain {

    /** RFC 8617 §4.2.1: instances go from 1 to 50. */
    static final int MAX_INSTANCE = 50;
    private static final Pattern AAR_INSTANCE = Pattern.compile("^\\s*i\\s*=\\s*(\\d+)\\s*;");

    /** The three fields of one instance. */
    static final class ArcSet {
        HeaderField results;
        HeaderField signature;
        HeaderField seal;
        int count;
    }

    /** Every field of the message, for the fields a message signature names. */
    private final HeaderSection header;
    /** By instance; an unreadable instance is 0, which fails the chain. */
    private final TreeMap<Integer, ArcSet> sets = new TreeMap<>();

    private ArcChain(List<HeaderField> fields) {
        this.header = new HeaderSection(fields, new byte[0]);
        for (HeaderField f : fields) {
            if (!f.name().startsWith("arc-")) {
                continue;
            }
            ArcSet set = sets.computeIfAbsent(instanceOf(f), k -> new ArcSet());
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
    }

    /** The chain in a message's header fields (all of them, in message order). */
    static ArcChain of(List<HeaderField> fields) {
        return new ArcChain(fields);
    }

    boolean isEmpty() {
        return sets.isEmpty();
    }

    /** The highest instance on the message, 0 when there is none. */
    int newest() {
        return sets.isEmpty() ? 0 : sets.lastKey();
    }

    /** The body canonicalization the newest message signature needs, or null when there is none to check. */
    Canonicalization newestBodyForm() {
        ArcSet set = sets.isEmpty() ? null : sets.lastEntry().getValue();
        if (set == null || set.signature == null) {
            return null;
        }
        Map<String, String> tags = tags(set.signature);
        if (tags == null) {
            return null;
        }
        String[] forms = tags.getOrDefault("c", "simple/simple").split("/", -1);
        return forms.length > 1 ? Canonicalization.fromTagValue(forms[1].strip()) : Canonicalization.SIMPLE;
    }

    /**
     * The chain's validation: "none" without sets, else "pass" or "fail" with the reason. Looks up
     * every key the chain names at once; never completes exceptionally.
     *
     * @param bodyHash the SHA-256 of the message body in a canonical form (no length limit)
     */
    CompletableFuture<ArcResult> validate(Function<Canonicalization, byte[]> bodyHash,
                                          Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup) {
        if (sets.isEmpty()) {
            return CompletableFuture.completedFuture(ArcResult.NONE);
        }
        String structure = structureProblem();
        if (structure != null) {
            return CompletableFuture.completedFuture(fail(structure));
        }
        List<HeaderField> signed = new java.util.ArrayList<>();
        signed.add(sets.lastEntry().getValue().signature);
        sets.values().forEach(s -> signed.add(s.seal));
        Map<String, CompletableFuture<DnsAnswer<String>>> keys = new LinkedHashMap<>();
        for (HeaderField f : signed) {
            String name = keyName(f);
            if (name != null) {
                keys.computeIfAbsent(name, n -> lookup(txtLookup, n));
            }
        }
        return CompletableFuture.allOf(keys.values().toArray(CompletableFuture[]::new)).thenApply(v -> {
            Map<String, DnsAnswer<String>> answers = new HashMap<>();
            keys.forEach((name, f) -> answers.put(name, f.join()));
            return check(bodyHash, answers);
        });
    }

    private ArcResult check(Function<Canonicalization, byte[]> bodyHash, Map<String, DnsAnswer<String>> keys) {
        int newest = newest();
        ArcSet last = sets.get(newest);
        if (!messageSignatureVerifies(last.signature, bodyHash, keys)) {
            return fail("ARC-Message-Signature i=" + newest + " did not verify");
        }
        for (int i = 1; i <= newest; i++) {
            ArcSet set = sets.get(i);
            ByteArrayOutputStream data = sealedData(i - 1);
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.results));
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalize(set.signature));
            HeaderField unsigned = new HeaderField(set.seal.name(), SignatureCheck.withEmptySignature(set.seal.raw()));
            data.writeBytes(RelaxedHeaderCanonicalizer.canonicalWithoutCrlf(unsigned).getBytes(StandardCharsets.ISO_8859_1));
            if (!verifies(set.seal, data.toByteArray(), keys)) {
                return fail("ARC-Seal i=" + i + " did not verify");
            }
        }
        return new ArcResult("pass", newest, domainOf(last.seal), null, resultsOf(last.results));
    }

    private ArcResult fail(String reason) {
        ArcSet last = sets.lastEntry().getValue();
        return new ArcResult("fail", newest(), last.seal == null ? null : domainOf(last.seal), reason,
                last.results == null ? null : resultsOf(last.results));
    }

    /** What is wrong with the sets' layout, or null (RFC 8617 §5.2 steps 1 and 2). */
    private String structureProblem() {
        if (sets.containsKey(0)) {
            return "an ARC field without a readable instance";
        }
        int newest = newest();
        for (int i = 1; i <= newest; i++) {
            ArcSet set = sets.get(i);
            if (set == null || set.count != 3 || set.results == null || set.signature == null || set.seal == null) {
                return "ARC set i=" + i + " is missing or incomplete";
            }
            Map<String, String> seal = tags(set.seal);
            String cv = seal == null ? null : TagList.withoutWhitespace(seal.getOrDefault("cv", "")).toLowerCase(Locale.ROOT);
            if (!(i == 1 ? "none" : "pass").equals(cv)) {
                return "ARC-Seal i=" + i + " says cv=" + cv;
            }
        }
        return null;
    }

    /** The complete sets 1 to {@code through}, each results, signature and seal in that order (RFC 8617 §5.1.1). */
    ByteArrayOutputStream sealedData(int through) {
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
    private boolean messageSignatureVerifies(HeaderField field, Function<Canonicalization, byte[]> bodyHash,
                                             Map<String, DnsAnswer<String>> keys) {
        Map<String, String> tags = tags(field);
        if (tags == null) {
            return false;
        }
        String[] forms = tags.getOrDefault("c", "simple/simple").split("/", -1);
        Canonicalization headerForm = Canonicalization.fromTagValue(forms[0].strip());
        Canonicalization bodyForm = forms.length > 1 ? Canonicalization.fromTagValue(forms[1].strip()) : Canonicalization.SIMPLE;
        String bh = tags.get("bh");
        String h = tags.get("h");
        if (headerForm == null || bodyForm == null || bh == null || h == null || tags.containsKey("l")) {
            return false;
        }
        try {
            byte[] hash = bodyHash.apply(bodyForm);
            if (hash == null || !MessageDigest.isEqual(Base64.getDecoder().decode(TagList.withoutWhitespace(bh)), hash)) {
                return false;
            }
        } catch (IllegalArgumentException e) {
            return false;
        }
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, Integer> used = new HashMap<>();
        for (String name : TagList.withoutWhitespace(h).split(":")) {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("arc-seal")) {
                return false;   // RFC 8617 §4.1.2: a message signature must not cover seals
            }
            HeaderField f = header.fromBottom(lower, used.merge(lower, 1, Integer::sum) - 1);
            if (f == field) {
                f = header.fromBottom(lower, used.merge(lower, 1, Integer::sum) - 1);
            }
            if (f != null) {
                data.writeBytes(headerForm.header(f));
            }
        }
        HeaderField unsigned = new HeaderField(field.name(), SignatureCheck.withEmptySignature(field.raw()));
        data.writeBytes(headerForm.headerWithoutCrlf(unsigned).getBytes(StandardCharsets.ISO_8859_1));
        return verifies(field, data.toByteArray(), keys);
    }

    /** An rsa-sha256 signature of an ARC field, with the key its d= and s= name. */
    private static boolean verifies(HeaderField field, byte[] data, Map<String, DnsAnswer<String>> keys) {
        Map<String, String> tags = tags(field);
        String name = keyName(field);
        if (tags == null || name == null || tags.get("b") == null
                || !"rsa-sha256".equalsIgnoreCase(TagList.withoutWhitespace(tags.getOrDefault("a", "")))) {
            return false;
        }
        DnsAnswer<String> answer = keys.get(name);
        if (answer == null) {
            return false;
        }
        for (String record : answer.values()) {
            try {
                DkimPublicKey key = DkimPublicKey.parse(record, DkimAlgorithm.RSA_SHA256);
                Signature verifier = Signature.getInstance("SHA256withRSA");
                verifier.initVerify(key.key());
                verifier.update(data);
                return verifier.verify(Base64.getDecoder().decode(TagList.withoutWhitespace(tags.get("b"))));
            } catch (SignatureCheckException | IllegalArgumentException e) {
                // the next record, if any
            } catch (GeneralSecurityException e) {
                return false;
            }
        }
        return false;
    }

    private static CompletableFuture<DnsAnswer<String>> lookup(
            Function<String, CompletableFuture<DnsAnswer<String>>> txtLookup, String name) {
        try {
            return txtLookup.apply(name).handle((answer, error) -> error == null && answer != null ? answer
                    : new DnsAnswer.TemporaryFailure<>("DNS lookup of " + name + "/TXT failed"));
        } catch (IllegalArgumentException notAName) {
            return CompletableFuture.completedFuture(new DnsAnswer.NoSuchDomain<>());
        }
    }

    private static String keyName(HeaderField field) {
        Map<String, String> tags = tags(field);
        if (tags == null || tags.get("s") == null || tags.get("d") == null) {
            return null;
        }
        return TagList.withoutWhitespace(tags.get("s")) + "._domainkey." + TagList.withoutWhitespace(tags.get("d"));
    }

    private static String domainOf(HeaderField seal) {
        Map<String, String> tags = tags(seal);
        return tags == null || tags.get("d") == null ? null : TagList.withoutWhitespace(tags.get("d")).toLowerCase(Locale.ROOT);
    }

    /** The ARC-Authentication-Results value after its instance tag: the sealer's authserv-id and results. */
    private static String resultsOf(HeaderField results) {
        String value = results.value().replace("\r\n", "");
        Matcher m = AAR_INSTANCE.matcher(value);
        return (m.find() ? value.substring(m.end()) : value).strip();
    }

    private static Map<String, String> tags(HeaderField field) {
        try {
            return TagList.parse(field.value().replace("\r\n", ""));
        } catch (IllegalArgumentException e) {
            return null;
        }
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
}
