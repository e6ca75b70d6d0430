package dev.tern.delivery.dsn;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Parses a report with Python's {@code email} package (parse_dsn.py) and returns what it saw.
 * python3 is installed by .ci/run; when it is missing the test fails rather than skips.
 */
final class PythonEmail {

    private PythonEmail() {
    }

    static JsonNode parse(byte[] message) throws Exception {
        Process p = new ProcessBuilder(List.of("python3", script().toString())).start();
        p.getOutputStream().write(message);
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("python3 finished").isTrue();
        assertThat(p.exitValue()).as("exit status of parse_dsn.py; stderr:%n%s", err).isZero();
        return new ObjectMapper().readTree(out);
    }

    private static Path script() throws URISyntaxException {
        return Path.of(PythonEmail.class.getResource("parse_dsn.py").toURI());
    }
}
