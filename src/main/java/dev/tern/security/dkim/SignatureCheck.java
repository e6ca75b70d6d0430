package dev.tern.security.dkim;

import dev.tern.dns.DnsAnswer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.SignatureException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The last steps for one signature once its key record is at hand (RFC 6376 §6.1.2, §6.1.3): the
 * key, the body hash, the header hash and the signature itself, in that order, cheapest first.
 */
final class SignatureCheck {

    private final DkimSignature signature;
    private final BodyHasher.Result body;
    /** The message's fields by name, each list in message order. */
    private final Map<String, List<HeaderField>> fieldsByName;

    SignatureCheck(DkimSignature signature, BodyHasher.Result body, Map<String, List<HeaderField>> fieldsByName) {
        this.signature = signature;
        this.body = body;
        this.fieldsByName = fieldsByName;
    }

    DkimResult result(DnsAnswer<String> keyAnswer) {
        try {
            DkimPublicKey key = key(keyAnswer);
            return verify(key);
        } catch (SignatureCheckException e) {
            return DkimResult.of(e.status(), signature.tags(), e.getMessage());
        }
    }

    private DkimPublicKey key(DnsAnswer<String> answer) throws SignatureCheckException {
        String name = signature.keyName();
        if (answer instanceof DnsAnswer.TemporaryFailure<String> t) {
            throw new SignatureCheckException(DkimStatus.TEMPERROR, "key lookup failed: " + t.reason());
        }
        if (!(answer instanceof DnsAnswer.Found<String> found)) {
            throw new SignatureCheckException("no key for " + name);
        }
        // Several records at one name are undefined (RFC 6376 §3.6.2.2): the first usable one is taken.
        SignatureCheckException first = null;
        for (String record : found.values()) {
            try {
                return DkimPublicKey.parse(record, signature.algorithm());
            } catch (SignatureCheckException e) {
                first = first == null ? e : first;
            }
        }
        throw first;
    }

    private DkimResult verify(DkimPublicKey key) throws SignatureCheckException {
        if (key.strictIdentity() && !signature.identityDomain().equals(signature.domain())) {
            throw new SignatureCheckException("key requires i= in d= itself (t=s), not " + signature.identityDomain());
        }
        long length = signature.bodyLength();
        if (length >= 0 && length > body.canonicalLength()) {
            throw new SignatureCheckException("l=" + length + " is longer than the body (" + body.canonicalLength() + " octets)");
        }
        if (!MessageDigest.isEqual(body.hash(), signature.bodyHash())) {
            throw new SignatureCheckException(DkimStatus.FAIL, "body hash did not verify");
        }
        if (!signatureVerifies(key, headerData())) {
            throw new SignatureCheckException(DkimStatus.FAIL, "signature did not verify");
        }
        if (length >= 0 && body.canonicalLength() > length) {
            // RFC 6376 §8.2: anyone may append to a body signed with l=; what they add is not covered.
            throw new SignatureCheckException(DkimStatus.POLICY, "signature covers only part of the body (l=): "
                    + (body.canonicalLength() - length) + " octets unsigned");
        }
        return DkimResult.of(DkimStatus.PASS, signature.tags(), key.testing() ? "signature verified (key in testing mode, t=y)"
                : "signature verified");
    }

    /**
     * The header hash input (RFC 6376 §3.7, §5.4.2): the fields named in h=, each name taking the next
     * instance from the bottom up, absent instances contributing nothing; then this signature's own
     * field with the value of b= emptied and no final CRLF.
     */
    byte[] headerData() {
        Canonicalization c = signature.headerCanonicalization();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        Map<String, Integer> nextFromBottom = new HashMap<>();
        for (String name : signature.signedFields()) {
            List<HeaderField> instances = fieldsByName.getOrDefault(name, List.of());
            int i = nextFromBottom.getOrDefault(name, instances.size() - 1);
            // A signature does not cover itself, even when h= names dkim-signature.
            if (i >= 0 && instances.get(i) == signature.field()) {
                i--;
            }
            if (i >= 0) {
                data.writeBytes(c.header(instances.get(i)));
            }
            nextFromBottom.put(name, i - 1);
        }
        HeaderField own = signature.field();
        HeaderField unsigned = new HeaderField(own.name(), withEmptySignature(own.raw()));
        data.writeBytes(c.headerWithoutCrlf(unsigned).getBytes(StandardCharsets.ISO_8859_1));
        return data.toByteArray();
    }

    /** The field with the value of its b= tag (and the whitespace around it) removed. */
    static String withEmptySignature(String raw) {
        int pos = raw.indexOf(':') + 1;
        while (true) {
            int semicolon = raw.indexOf(';', pos);
            int end = semicolon < 0 ? raw.length() : semicolon;
            int eq = raw.indexOf('=', pos);
            if (eq >= 0 && eq < end && TagList.trim(raw.substring(pos, eq)).equals("b")) {
                return raw.substring(0, eq + 1) + raw.substring(end);
            }
            if (semicolon < 0) {
                return raw;
            }
            pos = semicolon + 1;
        }
    }

    private boolean signatureVerifies(DkimPublicKey key, byte[] headerData) throws SignatureCheckException {
        try {
            Signature s;
            if (signature.algorithm() == DkimAlgorithm.RSA_SHA256) {
                s = Signature.getInstance("SHA256withRSA");
                s.initVerify(key.key());
                s.update(headerData);
            } else {
                // RFC 8463 §3: Ed25519 signs the SHA-256 hash of the header data.
                s = Signature.getInstance("Ed25519");
                s.initVerify(key.key());
                s.update(BodyHasher.sha256().digest(headerData));
            }
            return s.verify(signature.signature());
        } catch (SignatureException malformed) {
            return false;
        } catch (InvalidKeyException e) {
            throw new SignatureCheckException("key cannot be used: " + e.getMessage());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this Java runtime cannot verify " + signature.algorithm().tagValue(), e);
        }
    }
}
