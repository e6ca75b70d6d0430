package dev.tern.cli;

import dev.tern.server.Services;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.concurrent.Callable;

/**
 * Base of the administration commands: they open the store directly, so they work whether or not
 * the server runs, and a running server sees their changes at its next lookup.
 */
abstract class AdminCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Override
    public final Integer call() throws Exception {
        try (Services services = new Services(config.load(), 2)) {
            return run(services, spec.commandLine().getOut());
        }
    }

    abstract int run(Services services, PrintWriter out) throws Exception;
}
