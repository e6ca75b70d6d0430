package dev.tern.config;

import java.nio.file.Path;

/**
 * Sieve filtering ({@code [sieve]} in the config file).
 *
 * @param globalDir the directory of the operator's global scripts, which scripts run with
 *                  {@code include :global "NAME"} (RFC 6609): {@code NAME.sieve} files
 */
public record SieveSettings(Path globalDir) {

    /** The default: {@code sieve/global} under the data directory. */
    public static SieveSettings defaults(Path dataDir) {
        return new SieveSettings(dataDir.resolve("sieve").resolve("global"));
    }

    static SieveSettings read(ConfigNode n, Path base, Path dataDir) {
        String dir = n.string("global_dir", defaults(dataDir).globalDir().toString());
        return new SieveSettings(base.resolve(dir).normalize());
    }
}
