package dev.tern.cli;

import dev.tern.config.ConfigLoader;
import dev.tern.config.TernConfig;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code --config FILE} option every command takes. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (default: $TERN_CONFIG, else ./tern.toml).")
    Path file;

    Path path() {
        return ConfigLoader.locate(file);
    }

    TernConfig load() {
        return ConfigLoader.load(path());
    }
}
