package dev.tern.cli;

import dev.tern.config.Sizes;
import dev.tern.config.StoreSettings;
import dev.tern.config.TernConfig;
import dev.tern.store.embedded.EmbeddedBackup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code tern backup DIR}: a consistent copy of the embedded store, taken while the server runs. */
@Command(name = "backup", mixinStandardHelpOptions = true,
        description = {"Copy the embedded store (the database and the message files of data_dir) into DIR, "
                + "a new or empty directory, while the server runs: the database as one consistent snapshot. "
                + "To restore, stop Tern and make DIR its data_dir."})
final class BackupCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "DIR", description = "Where the copy goes (a new or empty directory).")
    Path target;

    @Override
    public Integer call() throws Exception {
        TernConfig c = config.load();
        if (c.store().metadata() != StoreSettings.Metadata.EMBEDDED) {
            throw new IllegalArgumentException("the metadata is in PostgreSQL: back it up with PostgreSQL's tools "
                    + "(pg_dump, or base backups), then the message contents (docs/storage.md, Backups)");
        }
        boolean files = c.store().blobs() == StoreSettings.Blobs.FILES;
        PrintWriter out = spec.commandLine().getOut();
        EmbeddedBackup.Result r = EmbeddedBackup.run(c.dataDir(), target, files);
        out.println("backed up " + c.dataDir() + " to " + target + ": database " + Sizes.format(r.databaseBytes())
                + (files ? ", " + r.files() + " message file(s), " + Sizes.format(r.fileBytes()) : ""));
        if (!files) {
            out.println("note: the message contents are in S3: back up the bucket too (docs/storage.md, Backups)");
        }
        if (!r.missing().isEmpty()) {
            out.println("note: " + r.missing().size() + " content(s) the copy refers to were deleted while it ran "
                    + "(their messages were deleted too): " + String.join(", ", r.missing().subList(0,
                    Math.min(10, r.missing().size()))) + (r.missing().size() > 10 ? ", ..." : ""));
        }
        return 0;
    }
}
