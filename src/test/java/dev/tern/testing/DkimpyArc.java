package dev.tern.testing;

import dev.tern.security.dkim.DkimKey;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * ARC (RFC 8617) checked and added by dkimpy (Debian's python3-dkim, with python3-authres), an
 * implementation independent of Tern's, through {@code src/test/resources/dkim/arc.py}. Fails,
 * never skips, when they are missing: CI installs them (.ci/run).
 */
public final class DkimpyArc {

    private final Path dir;
    /** TXT records dkimpy may look up: the DKIM keys of the domains that sealed. */
    private final Map<String, String> dns;

    /** @param dns TXT records by name (without the final dot) */
    public DkimpyArc(Path dir, Map<String, String> dns) {
        this.dir = dir;
        this.dns = dns;
    }

    /** dkimpy's validation of the message's chain: "pass", "fail" or "none", then its reason. */
    public String verify(byte[] message) throws Exception {
        return new String(run(message, List.of("verify")), StandardCharsets.UTF_8).strip();
    }

    /** The message with an ARC set dkimpy added as {@code authservId}, signed with {@code key} for {@code domain}. */
    public byte[] seal(byte[] message, DkimKey key, String domain, String authservId) throws Exception {
        Path keyFile = dir.resolve("arc-key");
        Files.writeString(keyFile, DkimpySigner.privateKeyForDkimpy(key));
        return run(message, List.of("sign", keyFile.toString(), key.selector(), domain, authservId));
    }

    private byte[] run(byte[] message, List<String> args) throws Exception {
        Path messageFile = dir.resolve("arc-message.eml");
        Files.write(messageFile, message);
        Path dnsFile = dir.resolve("arc-dns.txt");
        StringBuilder records = new StringBuilder();
        dns.forEach((name, text) -> records.append(name).append('\t').append(text).append('\n'));
        Files.writeString(dnsFile, records);
        Path script = dir.resolve("arc.py");
        try (InputStream in = DkimpyArc.class.getResourceAsStream("/dkim/arc.py");
             OutputStream out = Files.newOutputStream(script)) {
            in.transferTo(out);
        }
        List<String> command = new ArrayList<>(List.of(DkimpySigner.python(), script.toString(), args.get(0),
                messageFile.toString(), dnsFile.toString()));
        command.addAll(args.subList(1, args.size()));
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.PIPE).start();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(err).as("python3-dkim and python3-authres must be installed "
                + "(apt-get install python3-dkim python3-authres)").doesNotContain("Traceback");
        assertThat(p.exitValue()).as(err).isZero();
        return out;
    }
}
