package dev.tern.cli;

import dev.tern.server.StoreMigration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/** {@code tern migrate --from embedded --to postgres}: copies an installation into a new store. */
@Command(name = "migrate", mixinStandardHelpOptions = true,
        description = {"Copy an installation from the embedded store (data_dir) into PostgreSQL, and its "
                + "message files into S3 when [store] blobs = \"s3\". Stop the server first; the target "
                + "database must be empty; the embedded store is left as it was."})
final class MigrateCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Option(names = "--from", required = true, paramLabel = "STORE", description = "Where the data is now: embedded.")
    String from;

    @Option(names = "--to", required = true, paramLabel = "STORE",
            description = "Where it goes: postgres (as [store.postgres] in the configuration says).")
    String to;

    @Override
    public Integer call() throws Exception {
        if (!from.equals("embedded") || !to.equals("postgres")) {
            throw new IllegalArgumentException("this version migrates --from embedded --to postgres only (got --from "
                    + from + " --to " + to + ")");
        }
        StoreMigration.run(config.load(), spec.commandLine().getOut());
        return 0;
    }
}
