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
        // The extra text goes before [listeners], so that it may hold top-level keys as well as tables.
        String hostname = extra.contains("hostname =") ? "" : "hostname = \"mx.tern.test\"\n";
        String text = hostname + """
                data_dir = "data"
                """ + extra + """

                [listeners]
                smtp = ["127.0.0.1:0"]
                """ + listeners;
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
