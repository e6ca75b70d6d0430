package dev.tern.testing;

import dev.tern.config.ConfigLoader;
import dev.tern.config.TernConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configuration files for tests: a data directory under a temporary folder, SMTP on an ephemeral loopback port. */
public final class TestConfigs {

    private TestConfigs() {
    }

    /** Writes {@code tern.toml} into {@code dir} with the given extra TOML appended, and loads it. */
    public static TernConfig write(Path dir, String extra) {
        return write(dir, extra, "");
    }

    /** @param listeners more lines for the [listeners] table, e.g. {@code submission = ["127.0.0.1:0"]} */
    public static TernConfig write(Path dir, String extra, String listeners) {
        return write(dir, extra, listeners, "127.0.0.1:0");
    }

    /** @param smtpAddress where the smtp listener binds, e.g. {@code 127.0.0.3:2525} */
    public static TernConfig write(Path dir, String extra, String listeners, String smtpAddress) {
        // The extra text goes before [listeners], so that it may hold top-level keys as well as tables.
        String hostname = extra.contains("hostname =") ? "" : "hostname = \"mx.tern.test\"\n";
        // Tests never ask real DNS: without a [dns] of their own, a closed loopback port, so that
        // mail for other domains is deferred at once.
        String dns = extra.contains("[dns]") ? "" : "\n[dns]\nnameservers = [\"127.0.0.1:9\"]\ntimeout = \"1s\"\n";
        String text = hostname + """
                data_dir = "data"
                """ + extra + dns + """

                [listeners]
                """ + "smtp = [\"" + smtpAddress + "\"]\n" + listeners;
        Path file = dir.resolve("tern.toml");
        try {
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ConfigLoader.load(file);
    }

    public static TernConfig write(Path dir) {
        return write(dir, "");
    }
}
