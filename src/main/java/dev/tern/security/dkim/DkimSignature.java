package dev.tern.security.dkim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One {@code DKIM-Signature:} field of a received message, its tags read and checked as RFC 6376
 * §6.1.1 asks before anything is looked up or hashed.
 *
 * @param field                  the field as it is in the message
 * @param tags                   all its tags, unknown ones included
 * @param signedFields           the {@code h=} names in lower case, in order
 * @param identity               {@code i=}, or null when absent (it then means "@" + d=)
 * @param bodyLength             {@code l=}, or -1 when the whole body is signed
 * @param expiration             {@code x=} in seconds since the epoch, or -1
 */
record DkimSignature(HeaderField field, Map<String, String> tags, DkimAlgorithm algorithm,
                     Canonicalization headerCanonicalization, Canonicalization bodyCanonicalization,
                     String domain, String selector, String identity, List<String> signedFields,
                     byte[] bodyHash, byte[] signature, long bodyLength, long expiration) {

    private static final List<String> REQUIRED = List.of("v", "a", "b", "bh", "d", "h", "s");
    private static final Pattern LABELS = Pattern.compile("[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*");
    private static final Pattern DIGITS = Pattern.compile("[0-9]{1,76}");

    /**
     * The signature of a field whose tag list parsed.
     *
     * @throws SignatureCheckException when a required tag is missing, a value is malformed or unsupported, or the
     *                 tags contradict each other
     */
    static DkimSignature parse(HeaderField field, Map<String, String> tags) throws SignatureCheckException {
        for (String tag : REQUIRED) {
            if (!tags.containsKey(tag)) {
                throw new SignatureCheckException("missing required tag " + tag + "=");
            }
        }
        if (!tags.get("v").equals("1")) {
            throw new SignatureCheckException("unsupported version v=" + tags.get("v"));
        }
        DkimAlgorithm algorithm = algorithm(tags.get("a"));
        Canonicalization[] c = canonicalization(tags.get("c"));
        String domain = domain(tags.get("d"));
        String selector = tags.get("s").toLowerCase(Locale.ROOT);
        if (!LABELS.matcher(selector).matches()) {
            throw new SignatureCheckException("invalid selector s=" + selector);
        }
        List<String> signed = signedFields(tags.get("h"));
        byte[] bodyHash = base64(tags.get("bh"), "bh");
        byte[] signature = base64(tags.get("b"), "b");
        if (signature.length == 0) {
            throw new SignatureCheckException("b= is empty");
        }
        String identity = tags.get("i");
        if (identity != null) {
            checkIdentity(identity, domain);
        }
        checkQueryMethods(tags.get("q"));
        long length = number(tags, "l");
        long timestamp = number(tags, "t");
        long expiration = number(tags, "x");
        if (expiration >= 0 && timestamp >= 0 && expiration < timestamp) {
            throw new SignatureCheckException("x= is earlier than t=");
        }
        return new DkimSignature(field, tags, algorithm, c[0], c[1], domain, selector, identity, signed,
                bodyHash, signature, length, expiration);
    }

    /** Where the key is published: {@code <s>._domainkey.<d>}. */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** The domain of {@code i=}: the signature's identity, or d= when it names none. */
    String identityDomain() {
        return identity == null ? domain : HeaderField.lowerAscii(identity.substring(identity.lastIndexOf('@') + 1));
    }

    private static DkimAlgorithm algorithm(String a) throws SignatureCheckException {
        if (a.equalsIgnoreCase("rsa-sha1")) {
            // RFC 8301 §3.1: verifiers must not consider rsa-sha1 signatures valid.
            throw new SignatureCheckException("rsa-sha1 is not accepted (RFC 8301)");
        }
        try {
            return DkimAlgorithm.fromTagValue(a);
        } catch (IllegalArgumentException e) {
            throw new SignatureCheckException("unknown algorithm a=" + a);
        }
    }

    private static Canonicalization[] canonicalization(String c) throws SignatureCheckException {
        if (c == null) {
            return new Canonicalization[]{Canonicalization.SIMPLE, Canonicalization.SIMPLE};
        }
        int slash = c.indexOf('/');
        Canonicalization header = Canonicalization.fromTagValue(slash < 0 ? c : c.substring(0, slash));
        Canonicalization body = slash < 0 ? Canonicalization.SIMPLE : Canonicalization.fromTagValue(c.substring(slash + 1));
        if (header == null || body == null) {
            throw new SignatureCheckException("unknown canonicalization c=" + c);
        }
        return new Canonicalization[]{header, body};
    }

    private static String domain(String d) throws SignatureCheckException {
        // The field's octets are held one char each; a U-label arrives as UTF-8 (RFC 6532).
        String domain = new String(d.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
        if (domain.endsWith(".")) {
            domain = domain.substring(0, domain.length() - 1);
        }
        try {
            domain = dev.tern.mail.Idna.toAscii(domain);
        } catch (IllegalArgumentException e) {
            throw new SignatureCheckException("invalid domain d=" + d);
        }
        if (!LABELS.matcher(domain).matches() || domain.length() > 253) {
            throw new SignatureCheckException("invalid domain d=" + d);
        }
        return domain;
    }

    private static List<String> signedFields(String h) throws SignatureCheckException {
        List<String> names = new ArrayList<>();
        for (String name : h.split(":", -1)) {
            String n = HeaderField.lowerAscii(TagList.trim(name));
            if (n.isEmpty()) {
                throw new SignatureCheckException("h= has an empty field name");
            }
            names.add(n);
        }
        if (!names.contains("from")) {
            throw new SignatureCheckException("h= does not include from");
        }
        return List.copyOf(names);
    }

    private static byte[] base64(String value, String tag) throws SignatureCheckException {
        try {
            return Base64.getDecoder().decode(TagList.withoutWhitespace(value));
        } catch (IllegalArgumentException e) {
            throw new SignatureCheckException(tag + "= is not base64");
        }
    }

    private static void checkIdentity(String identity, String domain) throws SignatureCheckException {
        int at = identity.lastIndexOf('@');
        if (at < 0) {
            throw new SignatureCheckException("i= has no @");
        }
        String idDomain = HeaderField.lowerAscii(identity.substring(at + 1));
        if (!idDomain.equals(domain) && !idDomain.endsWith("." + domain)) {
            throw new SignatureCheckException("i= domain " + idDomain + " is not within d=" + domain);
        }
    }

    private static void checkQueryMethods(String q) throws SignatureCheckException {
        if (q == null) {
            return;
        }
        for (String method : q.split(":")) {
            String m = TagList.trim(method).toLowerCase(Locale.ROOT);
            if (m.equals("dns/txt") || m.equals("dns")) {
                return;
            }
        }
        throw new SignatureCheckException("no supported query method in q=" + q);
    }

    /** A numeric tag, or -1 when absent; values too large for a long are taken as the largest. */
    private static long number(Map<String, String> tags, String tag) throws SignatureCheckException {
        String v = tags.get(tag);
        if (v == null) {
            return -1;
        }
        if (!DIGITS.matcher(v).matches()) {
            throw new SignatureCheckException(tag + "= is not a number");
        }
        return v.length() > 18 ? Long.MAX_VALUE : Long.parseLong(v);
    }
}
