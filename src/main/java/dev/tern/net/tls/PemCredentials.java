package dev.tern.net.tls;

import dev.tern.config.ConfigException;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * A certificate chain and its private key, read from PEM files as operators and ACME clients
 * write them: the chain leaf first, the key as PKCS#8 ({@code PRIVATE KEY}) or in the traditional
 * forms ({@code RSA PRIVATE KEY}, {@code EC PRIVATE KEY}, with or without {@code EC PARAMETERS}).
 *
 * <p>Errors are {@link ConfigException}s naming the key, e.g. {@code tls.key: does not match the
 * certificate}: the key is checked against the leaf by signing a random challenge with it and
 * verifying the signature with the certificate's public key, which works for RSA, EC and EdDSA.
 *
 * <p>Security: encrypted keys are refused (Tern would need the passphrase in its config, which
 * protects nothing); the key file should be readable by Tern's user only.
 */
public record PemCredentials(List<X509Certificate> chain, PrivateKey key) {

    public PemCredentials {
        chain = List.copyOf(chain);
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    /** The DNS names (subject alternative names of type dNSName) a certificate is for, as written in it. */
    public static List<String> dnsNames(X509Certificate cert) {
        List<String> names = new ArrayList<>();
        try {
            java.util.Collection<List<?>> alternatives = cert.getSubjectAlternativeNames();
            if (alternatives != null) {
                for (List<?> alt : alternatives) {
                    if (alt.size() >= 2 && Integer.valueOf(2).equals(alt.get(0))) {   // dNSName, RFC 5280 §4.2.1.6
                        names.add(String.valueOf(alt.get(1)));
                    }
                }
            }
        } catch (java.security.cert.CertificateParsingException e) {
            return List.of();
        }
        return names;
    }

    /**
     * @param certKey and {@code keyKey} the config keys the files come from, for error messages
     */
    public static PemCredentials load(Path certFile, Path keyFile, String certKey, String keyKey) {
        List<X509Certificate> chain = readChain(certFile, certKey);
        PrivateKey key = readKey(keyFile, keyKey);
        if (!matches(key, chain.get(0).getPublicKey())) {
            throw new ConfigException(keyKey + ": does not match the certificate in " + certFile);
        }
        return new PemCredentials(chain, key);
    }

    /** Every certificate in a PEM file (a chain, or trusted CAs); at least one. */
    public static List<X509Certificate> readCertificates(Path file, String configKey) {
        return readChain(file, configKey);
    }

    private static List<X509Certificate> readChain(Path file, String configKey) {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        for (Object o : readAll(file, configKey)) {
            if (o instanceof X509CertificateHolder holder) {
                try {
                    chain.add(converter.getCertificate(holder));
                } catch (GeneralSecurityException e) {
                    throw new ConfigException(configKey + ": unreadable certificate in " + file + ": " + e.getMessage());
                }
            }
        }
        if (chain.isEmpty()) {
            throw new ConfigException(configKey + ": no certificate (\"BEGIN CERTIFICATE\") in " + file);
        }
        return chain;
    }

    private static PrivateKey readKey(Path file, String configKey) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            for (Object o : readAll(file, configKey)) {
                if (o instanceof PEMKeyPair pair) {
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());   // SEC1 may omit the public key
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new ConfigException(configKey + ": " + file + " holds an encrypted key; Tern needs it "
                            + "unencrypted (make the file readable by Tern's user only)");
                }
                // Other blocks (EC PARAMETERS, certificates in a combined file) are skipped.
            }
        } catch (IOException e) {
            throw new ConfigException(configKey + ": unreadable private key in " + file + ": " + e.getMessage());
        }
        throw new ConfigException(configKey + ": no private key (\"BEGIN PRIVATE KEY\", \"BEGIN RSA PRIVATE KEY\" "
                + "or \"BEGIN EC PRIVATE KEY\") in " + file);
    }

    private static List<Object> readAll(Path file, String configKey) {
        List<Object> objects = new ArrayList<>();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.US_ASCII); PEMParser parser = new PEMParser(r)) {
            for (int i = 0; i < 100; i++) {   // a chain is a handful of blocks; stop at an absurd file
                Object o = parser.readObject();
                if (o == null) {
                    break;
                }
                objects.add(o);
            }
        } catch (NoSuchFileException e) {
            throw new ConfigException(configKey + ": no such file " + file);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException(configKey + ": " + file + " is not a readable PEM file: " + e.getMessage());
        }
        return objects;
    }

    /** True when {@code key} is the private half of {@code publicKey}. */
    static boolean matches(PrivateKey key, PublicKey publicKey) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC", "ECDSA" -> "SHA256withECDSA";
            case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
            default -> null;
        };
        if (algorithm == null || !publicKey.getAlgorithm().equals(key.getAlgorithm())
                && !(key.getAlgorithm().startsWith("EC") && publicKey.getAlgorithm().startsWith("EC"))) {
            return false;
        }
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }
}
