package dev.tern.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One TOML table while it is being read: typed getters that name the full key in every error,
 * a record of which keys were read so that misspelt keys are reported instead of ignored, and of
 * the value each one took, the file's or the default, for {@code bin/tern config}.
 */
final class ConfigNode {

    private static final Pattern SIZE = Sizes.SIZE;
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

    private static final Pattern URL_USER_PASSWORD = Pattern.compile("(://[^/:@\\s\"]*:)[^/@\\s\"]*@");
    private static final Pattern URL_PASSWORD = Pattern.compile("((?:[?&;]|\\b)password=)[^&;\\s\"]*",
            Pattern.CASE_INSENSITIVE);

    private final JsonNode node;
    private final String path;
    private final List<String> table;
    private final Set<String> read = new HashSet<>();
    private final List<ConfigNode> children = new ArrayList<>();
    /** Every setting read so far in the whole file, by dotted key, in the order read; shared by all tables. */
    private final Map<String, ConfigSetting> settings;

    /** The top of a file. */
    ConfigNode(JsonNode node) {
        this(node, "", List.of(), new LinkedHashMap<>());
    }

    private ConfigNode(JsonNode node, String path, List<String> table, Map<String, ConfigSetting> settings) {
        this.node = node;
        this.path = path;
        this.table = table;
        this.settings = settings;
    }

    /** The settings read so far, in the order read. */
    List<ConfigSetting> settings() {
        return List.copyOf(settings.values());
    }

    /** Notes the value {@code name} took ({@code value}: the file's, or the default when the file has none). */
    private <T> T noted(String name, T value) {
        JsonNode v = node.get(name);
        String shown = v != null ? TomlText.of(v) : TomlText.ofDefault(value);
        if (shown != null && secret(name)) {
            shown = "\"********\"";
        } else if (shown != null) {
            // A database or service URL may carry a password: user:PASSWORD@host, or ?password=…
            shown = URL_PASSWORD.matcher(URL_USER_PASSWORD.matcher(shown).replaceAll("$1********@"))
                    .replaceAll("$1********");
        }
        ConfigSetting setting = new ConfigSetting(table, name, shown, v != null);
        settings.putIfAbsent(setting.dottedKey(), setting);
        return value;
    }

    /** Passwords and secret keys are never shown; the files that hold them ({@code password_file}) are. */
    private static boolean secret(String name) {
        String n = name.toLowerCase(Locale.ROOT);
        return (n.contains("password") || n.contains("secret")) && !n.endsWith("_file");
    }

    String key(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    boolean has(String name) {
        return node.has(name);
    }

    ConfigNode table(String name) {
        read.add(name);
        JsonNode child = node.get(name);
        if (child != null && !child.isObject()) {
            throw new ConfigException(key(name) + ": expected a table like [" + key(name) + "]");
        }
        List<String> childTable = new ArrayList<>(table);
        childTable.add(name);
        ConfigNode c = new ConfigNode(child == null ? JsonNodeFactory.instance.objectNode() : child, key(name),
                List.copyOf(childTable), settings);
        children.add(c);
        return c;
    }

    String string(String name, String fallback) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, fallback);
        }
        if (!v.isTextual()) {
            throw new ConfigException(key(name) + ": expected a string in quotes, got " + v);
        }
        return noted(name, v.asText());
    }

    boolean bool(String name, boolean fallback) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, fallback);
        }
        if (!v.isBoolean()) {
            throw new ConfigException(key(name) + ": expected true or false, got " + v);
        }
        return noted(name, v.asBoolean());
    }

    int positiveInt(String name, int fallback) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, fallback);
        }
        if (!v.isIntegralNumber() || v.asLong() <= 0 || v.asLong() > Integer.MAX_VALUE) {
            throw new ConfigException(key(name) + ": expected a positive whole number, got " + v);
        }
        return noted(name, v.asInt());
    }

    /** A size: a number of bytes, or a string such as "25MB", "512KiB", "1G". */
    long size(String name, long fallback) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, fallback);
        }
        if (v.isIntegralNumber() && v.asLong() > 0) {
            return noted(name, v.asLong());
        }
        return noted(name, parsedSize(name, v));
    }

    /** A size that may be zero ({@code 0} or {@code "0"}), for a reserve that can be turned off. */
    long sizeOrZero(String name, long fallback) {
        JsonNode v = node.get(name);
        if (v != null && (v.isIntegralNumber() && v.asLong() == 0 || v.isTextual() && v.asText().trim().equals("0"))) {
            read.add(name);
            return noted(name, 0L);
        }
        return size(name, fallback);
    }

    private long parsedSize(String name, JsonNode v) {
        Matcher m = v.isTextual() ? SIZE.matcher(v.asText().trim()) : null;
        if (m == null || !m.matches()) {
            throw new ConfigException(key(name) + ": expected a size such as 26214400 or \"25MB\", got " + v);
        }
        long n;
        try {
            n = Sizes.parse(v.asText());
        } catch (IllegalArgumentException e) {   // it matched the pattern: only its value can be wrong
            throw new ConfigException(key(name) + ": " + v + " is too large");
        }
        if (n <= 0) {
            throw new ConfigException(key(name) + ": must be greater than zero");
        }
        return n;
    }

    /** A duration: a string such as "300s", "5m", "1h", "500ms". */
    Duration duration(String name, Duration fallback) {
        Duration d = durationOrZero(name, fallback);
        if (d != null && d.isZero()) {
            throw new ConfigException(key(name) + ": expected a duration such as \"300s\", \"5m\" or \"1h\", got "
                    + node.get(name));
        }
        return d;
    }

    /** A duration that may be zero ("0s"), for delays that can be turned off. */
    Duration durationOrZero(String name, Duration fallback) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, fallback);
        }
        Duration d = v.isTextual() ? parseDuration(v.asText()) : null;
        if (d == null) {
            throw new ConfigException(key(name) + ": expected a duration such as \"300s\", \"5m\" or \"1h\", got " + v);
        }
        return noted(name, d);
    }

    /** {@code "300ms"}, {@code "30s"}, {@code "5m"}, {@code "1h"}, {@code "5d"}, {@code "0"}; null when the text is none of these. */
    static Duration parseDuration(String text) {
        if (text.trim().equals("0")) {
            return Duration.ZERO;   // "off", where zero is allowed; needs no unit
        }
        Matcher m = DURATION.matcher(text.trim());
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** A list of strings; {@code fallback} when the key is absent. */
    List<String> stringList(String name, List<String> fallback) {
        read.add(name);
        return node.get(name) == null ? noted(name, fallback) : stringList(name);
    }

    List<String> stringList(String name) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, List.of());
        }
        if (v.isTextual()) {
            return noted(name, List.of(v.asText()));
        }
        if (!v.isArray()) {
            throw new ConfigException(key(name) + ": expected a list of strings like [\"a\", \"b\"], got " + v);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.isTextual()) {
                throw new ConfigException(key(name) + ": every entry must be a string in quotes, got " + e);
            }
            out.add(e.asText());
        }
        return noted(name, out);
    }

    /**
     * A list of percentages ({@code [90, 100]}), each from 1 to 100, ascending without repeats;
     * {@code fallback} when the key is absent.
     */
    List<Integer> percentList(String name, List<Integer> fallback) {
        read.add(name);
        JsonNode v = node.get(name);
        if (v == null) {
            return noted(name, fallback);
        }
        if (!v.isArray()) {
            throw new ConfigException(key(name) + ": expected a list of percentages like [90, 100], got " + v);
        }
        List<Integer> out = new ArrayList<>();
        for (JsonNode e : v) {
            if (!e.canConvertToInt() || !e.isIntegralNumber() || e.asInt() < 1 || e.asInt() > 100) {
                throw new ConfigException(key(name) + ": every entry must be a whole percentage from 1 to 100, got " + e);
            }
            if (!out.isEmpty() && e.asInt() <= out.get(out.size() - 1)) {
                throw new ConfigException(key(name) + ": percentages must be in ascending order without repeats, got " + v);
            }
            out.add(e.asInt());
        }
        return noted(name, List.copyOf(out));
    }

    Set<String> presentKeys() {
        Set<String> keys = new HashSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        return keys;
    }

    /** Fails on the first key that no getter asked for: almost always a typo. */
    void rejectUnknownKeys() {
        for (String k : presentKeys()) {
            if (!read.contains(k)) {
                throw new ConfigException(key(k) + ": unknown setting (check its spelling and its [section])");
            }
        }
        for (ConfigNode c : children) {
            c.rejectUnknownKeys();
        }
    }
}
