package dev.tern.cli;

import dev.tern.config.ConfigLoader;
import dev.tern.config.StarterConfig;
import dev.tern.config.TernConfig;
import dev.tern.server.Services;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "init", description = "Write a commented starter configuration and create the data directory.")
final class InitCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--domain", paramLabel = "DOMAIN", description = "A first local domain to add.")
    String domain;

    @Option(names = "--hostname", paramLabel = "NAME", description = "This server's name (default: mail.DOMAIN, or localhost).")
    String hostname;

    @Option(names = "--smtp", paramLabel = "ADDRESS:PORT", description = "Where to receive mail (default: 0.0.0.0:25).")
    String smtp = "0.0.0.0:25";

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Path file = config.path();
        if (Files.exists(file)) {
            throw new IllegalArgumentException(file + " already exists; edit it, or remove it to start again");
        }
        String name = hostname != null ? hostname : domain != null ? "mail." + domain : "localhost";
        writeConfig(file, name, smtp, null);
        TernConfig loaded = ConfigLoader.load(file);
        try (Services services = new Services(loaded, 2)) {
            if (domain != null) {
                services.onboarding().addDomain(domain);
            }
        }
        out.println("wrote " + file + " (hostname " + name + ", data in " + loaded.dataDir() + ")");
        if (domain != null) {
            out.println("added domain " + domain + "; add a user with: bin/tern user add someone@" + domain
                    + "; the DNS records to publish: bin/tern domain show " + domain);
        }
        out.println("once it is set up as you want it, check it with: bin/tern check");
        return 0;
    }

    static void writeConfig(Path file, String hostname, String smtp, String postmaster) throws java.io.IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Files.writeString(file, StarterConfig.text(hostname, smtp, postmaster));
    }
}
