package dev.tern.testing;

import dev.tern.security.dkim.DkimAlgorithm;
import dev.tern.security.dkim.DkimKey;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Signs messages with dkimpy (Debian's python3-dkim, python3-nacl for ed25519), an implementation
 * independent of Tern's, through {@code src/test/resources/dkim/sign_dkim.py}. Fails, never
 * skips, when they are missing: CI installs both (.ci/run).
 */
public final class DkimpySigner {

    private final Path dir;

    /** @param dir a scratch directory for the message, key and script files */
    public DkimpySigner(Path dir) {
        this.dir = dir;
    }

    public static String python() {
        return Files.isExecutable(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
    }

    /**
     * The DKIM-Signature field followed by the message.
     *
     * @param canonicalization header/body, e.g. {@code relaxed/simple}
     * @param headers          the fields to sign, colon-separated
     * @param bodyLength       add an {@code l=} tag
     */
    public byte[] sign(byte[] message, DkimKey key, String domain, String canonicalization, String headers,
                       boolean bodyLength) throws Exception {
        Path messageFile = dir.resolve("message.eml");
        Files.write(messageFile, message);
        Path keyFile = dir.resolve("key");
        Files.writeString(keyFile, privateKeyForDkimpy(key));
        Path script = dir.resolve("sign_dkim.py");
        try (InputStream in = DkimpySigner.class.getResourceAsStream("/dkim/sign_dkim.py");
             OutputStream out = Files.newOutputStream(script)) {
            in.transferTo(out);
        }
        Process p = new ProcessBuilder(python(), script.toString(), messageFile.toString(),
                keyFile.toString(), key.selector(), domain, key.algorithm().tagValue(), canonicalization, headers,
                bodyLength ? "length" : "full").redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(err).as("python3-dkim and python3-nacl must be installed (apt-get install python3-dkim python3-nacl)")
                .doesNotContain("ModuleNotFoundError").doesNotContain("Traceback");
        assertThat(p.exitValue()).as(err).isZero();
        assertThat(new String(out, StandardCharsets.ISO_8859_1)).startsWith("DKIM-Signature: ")
                .contains("c=" + canonicalization + ";").contains("a=" + key.algorithm().tagValue() + ";");
        return out;
    }

    /** RSA: PKCS#8 in PEM; Ed25519: the base64 of the 32-octet seed, which ends the PKCS#8 encoding. */
    static String privateKeyForDkimpy(DkimKey key) {
        byte[] pkcs8 = Base64.getDecoder().decode(key.privateKeyPkcs8());
        if (key.algorithm() == DkimAlgorithm.ED25519_SHA256) {
            return Base64.getEncoder().encodeToString(Arrays.copyOfRange(pkcs8, pkcs8.length - 32, pkcs8.length));
        }
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, new byte[]{'\n'}).encodeToString(pkcs8)
                + "\n-----END PRIVATE KEY-----\n";
    }
}
