package dev.tern.config;

import java.util.List;

/**
 * One setting as the server uses it, for {@code bin/tern config}: where it sits, its value written
 * as TOML, and whether the file set it or the default applies.
 *
 * @param table    the table's keys from the top ({@code ["delivery", "smarthost"]}; empty at the top)
 * @param name     the key within its table
 * @param value    the value as a TOML literal ({@code "25MB"}, {@code 1000}, {@code ["a"]}), with a
 *                 password or secret written as stars; null when it is not set and has no default
 * @param fromFile the configuration file sets it
 */
public record ConfigSetting(List<String> table, String name, String value, boolean fromFile) {

    /** A table's or key's name as TOML writes it: bare, or quoted when it must be ({@code "example.org"}). */
    public static String tomlKey(String name) {
        return TomlText.key(name);
    }

    /** The key as a dotted path, each part quoted when TOML needs it: {@code delivery.tls_policy."example.org"}. */
    public String dottedKey() {
        StringBuilder sb = new StringBuilder();
        for (String t : table) {
            sb.append(TomlText.key(t)).append('.');
        }
        return sb.append(TomlText.key(name)).toString();
    }
}
