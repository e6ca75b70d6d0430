package dev.tern.security.dkim;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Signatures with whatever tags a test needs (x=, l=, i=, simple canonicalization, any h=), which
 * neither Tern's signer nor dkimpy writes. Built from the verifier's own canonicalization classes:
 * for testing what the verifier decides, not whether it canonicalizes right (the signatures of
 * dkimpy test that).
 */
final class TestSignatures {

    private TestSignatures() {
    }

    /** A signature over all of the body. */
    static byte[] sign(byte[] message, DkimKey key, String domain, String canonicalization, List<String> signed,
                       String extraTags) {
        return sign(message, key, domain, canonicalization, signed, extraTags, -1);
    }

    /**
     * The message with a {@code DKIM-Signature:} field in front.
     *
     * @param extraTags  tags put in as they are, each ending with "; " (e.g. "x=100; i=@a.example; ")
     * @param bodyLength the l= value, or -1 for none
     */
    static byte[] sign(byte[] message, DkimKey key, String domain, String canonicalization, List<String> signed,
                       String extraTags, long bodyLength) {
        HeaderCollector header = new HeaderCollector(Integer.MAX_VALUE);
        int headerLength = header.update(message, 0, message.length);
        header.finish();
        String[] c = canonicalization.split("/");
        Canonicalization headerCanon = Canonicalization.fromTagValue(c[0]);
        BodyHasher body = new BodyHasher(new BodyHasher.Key(Canonicalization.fromTagValue(c[1]), bodyLength));
        body.update(message, headerLength, message.length - headerLength);
        String field = "DKIM-Signature: v=1; a=" + key.algorithm().tagValue() + "; c=" + canonicalization
                + "; d=" + domain + "; s=" + key.selector() + ";\r\n\t" + extraTags
                + (bodyLength >= 0 ? "l=" + bodyLength + "; " : "")
                + "h=" + String.join(":", signed) + ";\r\n\tbh=" + Base64.getEncoder().encodeToString(body.finish().hash())
                + "; b=";
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, List<HeaderField>> byName = new HashMap<>();
        for (HeaderField f : header.fields()) {
            byName.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(f);
        }
        Map<String, Integer> used = new HashMap<>();
        for (String name : signed) {
            List<HeaderField> instances = byName.getOrDefault(name, List.of());
            int i = instances.size() - used.merge(name, 1, Integer::sum);
            if (i >= 0) {
                data.writeBytes(headerCanon.header(instances.get(i)));
            }
        }
        data.writeBytes(headerCanon.headerWithoutCrlf(HeaderField.parse(field)).getBytes(StandardCharsets.ISO_8859_1));
        String b = Base64.getEncoder().encodeToString(signature(key, data.toByteArray()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes((field + b + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(message);
        return out.toByteArray();
    }

    private static byte[] signature(DkimKey key, byte[] data) {
        try {
            Signature s;
            if (key.algorithm() == DkimAlgorithm.RSA_SHA256) {
                s = Signature.getInstance("SHA256withRSA");
                s.initSign(key.privateKey());
                s.update(data);
            } else {
                s = Signature.getInstance("Ed25519");
                s.initSign(key.privateKey());
                s.update(BodyHasher.sha256().digest(data));
            }
            return s.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
