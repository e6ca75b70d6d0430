package dev.tern.cli;

import dev.tern.config.ConfigLoader;
import dev.tern.config.ConfigSetting;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code tern config}: the settings in effect, as {@code postconf} and {@code doveconf} show
 * them: every key the server reads, with the file's value or the default (marked), written as
 * TOML that could be the configuration file itself. Passwords and secret keys are written as
 * stars. Reads the file only; the server need not run.
 */
@Command(name = "config", description = "Show the settings in effect: every key with the file's value or its default "
        + "(marked \"# default\"), as TOML. With KEYs (such as smtp.max_message_size), only those.")
final class ConfigCommand implements Callable<Integer> {

    @Mixin
    ConfigOption config;

    @Option(names = {"-n", "--changed"}, description = "Only the settings the file sets, not the defaults.")
    boolean changedOnly;

    @Parameters(paramLabel = "KEY", arity = "0..*", description = "Dotted keys to show, e.g. delivery.smarthost.host.")
    List<String> keys = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<ConfigSetting> settings = ConfigLoader.settings(config.path());
        int status = keys.isEmpty() ? all(settings, out) : some(settings, out);
        out.flush();
        return status;
    }

    private int all(List<ConfigSetting> settings, PrintWriter out) {
        out.println("# " + config.path().toAbsolutePath().normalize() + ": the settings in effect"
                + (changedOnly ? " that the file sets" : "; \"# default\" marks those the file leaves out"));
        Map<List<String>, List<ConfigSetting>> tables = new LinkedHashMap<>();
        tables.put(List.of(), new ArrayList<>());   // top-level keys must come before any [table]
        for (ConfigSetting s : settings) {
            if (!changedOnly || s.fromFile()) {
                tables.computeIfAbsent(s.table(), t -> new ArrayList<>()).add(s);
            }
        }
        tables.forEach((table, inTable) -> {
            if (inTable.isEmpty()) {
                return;
            }
            if (!table.isEmpty()) {
                out.println();
                out.println("[" + String.join(".", table.stream().map(ConfigSetting::tomlKey).toList()) + "]");
            }
            for (ConfigSetting s : inTable) {
                out.println(line(s, ConfigSetting.tomlKey(s.name())));
            }
        });
        return 0;
    }

    private int some(List<ConfigSetting> settings, PrintWriter out) {
        Map<String, ConfigSetting> byKey = new LinkedHashMap<>();
        for (ConfigSetting s : settings) {
            byKey.put(s.dottedKey(), s);
        }
        int status = 0;
        for (String key : keys) {
            ConfigSetting s = byKey.get(key);
            if (s == null) {
                spec.commandLine().getErr().println("tern: " + key + ": not a setting in effect (misspelt, or its "
                        + "[table] is not in the configuration)");
                status = 1;
            } else if (!changedOnly || s.fromFile()) {
                out.println(line(s, s.dottedKey()));
            }
        }
        spec.commandLine().getErr().flush();
        return status;
    }

    /** {@code key = value}, {@code key = value   # default}, or a comment for a key without a value. */
    private static String line(ConfigSetting s, String key) {
        if (s.value() == null) {
            return "# " + key + " is not set";
        }
        return key + " = " + s.value() + (s.fromFile() ? "" : "   # default");
    }
}
