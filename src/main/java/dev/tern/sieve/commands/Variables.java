package dev.tern.sieve.commands;

import org.apache.jsieve.Argument;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.StringListArgument;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The variables of one run (RFC 5229): those {@code set} names, and the match variables
 * {@code ${0}}, {@code ${1}}… that the last successful {@code :matches} or {@code :regex} left.
 * Only a script that requires {@code variables} has them: for any other, {@link #DISABLED} expands
 * nothing, so {@code ${x}} stays text as RFC 5229 §1 asks.
 *
 * <p>Each script of a run has its own (a script an {@code include} runs starts with none set, RFC
 * 6609 §3.4), except those a script declares {@code global}: those, and {@code ${global.name}},
 * are shared by every script of the run.
 *
 * <p>Bounded, as Pigeonhole bounds them: a value holds at most {@link #MAX_VALUE} characters
 * (longer ones are cut), and a string grows by expansion to at most {@link #MAX_EXPANDED}, so a
 * script cannot make a run build strings of gigabytes out of a short value used many times.
 */
public final class Variables {

    /** Characters a variable may hold (RFC 5229 §6 asks for at least 4000 octets). */
    public static final int MAX_VALUE = 4096;
    /** Characters one expanded string may reach. */
    static final int MAX_EXPANDED = 256 * 1024;
    /** Distinct variables a script may name (RFC 5229 §6 asks for at least 128). */
    public static final int MAX_NAMES = 255;

    /** A run whose script did not require {@code variables}. */
    public static final Variables DISABLED = new Variables(false);

    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("[0-9]+");
    /** A reference with a namespace (RFC 5229 §3): identifier "." then names, each followed by a dot. */
    /** A reference to a global variable in the namespace {@code global} (RFC 6609 §3.5). */
    private static final Pattern GLOBAL = Pattern.compile("(?i)global\\.([A-Za-z_][A-Za-z0-9_]*)");
    private static final Pattern NAMESPACED = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\.([A-Za-z_][A-Za-z0-9_]*|[0-9]+))+");

    private final boolean enabled;
    private final Map<String, String> named = new HashMap<>();
    /** The run's global variables, shared by its scripts; lower-case names. */
    private final Map<String, String> globals;
    /** The names this script declared global, lower case. */
    private final java.util.Set<String> declaredGlobal = new java.util.HashSet<>();
    private List<String> matched = List.of();

    private Variables(boolean enabled) {
        this(enabled, new HashMap<>());
    }

    private Variables(boolean enabled, Map<String, String> globals) {
        this.enabled = enabled;
        this.globals = globals;
    }

    /** The variables of a run whose script requires {@code variables}: none set, no match yet. */
    public static Variables enabled() {
        return new Variables(true);
    }

    /**
     * The variables of a script this run includes: its own, none set, sharing the run's globals.
     *
     * @param enabled whether that script requires {@code variables}
     */
    public Variables forIncluded(boolean enabled) {
        return new Variables(enabled, globals);
    }

    /** Declares names global for this script ({@code global}, RFC 6609 §3.5). */
    void declareGlobal(List<String> names) {
        for (String n : names) {
            declaredGlobal.add(n.toLowerCase(Locale.ROOT));
        }
    }

    /** Whether the script required {@code variables}. */
    public boolean isEnabled() {
        return enabled;
    }

    /** Whether the text is a variable name {@code set} can take: an identifier (RFC 5229 §3). */
    public static boolean isIdentifier(String name) {
        return IDENTIFIER.matcher(name).matches();
    }

    /**
     * Expands the references in a string (RFC 5229 §3): {@code ${name}} (any case) to the variable's
     * value, {@code ${N}} to the Nth match variable, either to "" when not set. What is not a
     * reference ({@code ${}}, {@code ${a b}}) stays as written, and the values put in are not
     * expanded again.
     */
    public String expand(String text) {
        if (!enabled || text.indexOf("${") < 0) {
            return text;
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        int i = 0;
        while (i < text.length()) {
            int start = text.indexOf("${", i);
            if (start < 0) {
                out.append(text, i, text.length());
                break;
            }
            out.append(text, i, start);
            int end = text.indexOf('}', start + 2);
            String name = end < 0 ? null : text.substring(start + 2, end);
            if (name != null && (IDENTIFIER.matcher(name).matches() || NUMBER.matcher(name).matches()
                    || GLOBAL.matcher(name).matches())) {
                String value = value(name);
                out.append(value, 0, Math.min(value.length(), Math.max(0, MAX_EXPANDED - out.length())));
                i = end + 1;
            } else {
                // not a reference: the "$" is text, and a reference may start right after it
                out.append('$');
                i = start + 1;
            }
        }
        return out.toString();
    }

    /** Expands every string of a command's or test's arguments; its tests stay as they are. */
    public Arguments expand(Arguments arguments) {
        if (!enabled) {
            return arguments;
        }
        List<Argument> expanded = new ArrayList<>();
        for (Argument a : arguments.getArgumentList()) {
            if (a instanceof StringListArgument list) {
                List<String> strings = new ArrayList<>(list.getList().size());
                for (String s : list.getList()) {
                    strings.add(expand(s));
                }
                expanded.add(new StringListArgument(strings));
            } else {
                expanded.add(a);
            }
        }
        return new Arguments(expanded, arguments.getTestList());
    }

    private String value(String name) {
        if (Character.isDigit(name.charAt(0))) {
            // leading zeroes are allowed and ignored (RFC 5229 §3.2)
            String digits = name.replaceFirst("^0+(?=.)", "");
            if (digits.length() > 4) {
                return "";
            }
            int index = Integer.parseInt(digits);
            return index < matched.size() ? matched.get(index) : "";
        }
        return get(name);
    }

    /** The value of a named variable ({@code global.name} for a global one), "" when not set. */
    public String get(String name) {
        return scope(name).getOrDefault(key(name), "");
    }

    /** Sets a named variable, its value cut to {@link #MAX_VALUE} characters. */
    public void set(String name, String value) {
        scope(name).put(key(name), cut(value));
    }

    /** Where a name's value is kept: the run's globals for a global name, else this script's. */
    private Map<String, String> scope(String name) {
        String key = key(name);
        return GLOBAL.matcher(name).matches() || declaredGlobal.contains(key) ? globals : named;
    }

    private static String key(String name) {
        Matcher global = GLOBAL.matcher(name);
        return (global.matches() ? global.group(1) : name).toLowerCase(Locale.ROOT);
    }

    /** Whether the name is one of the namespace {@code global} ({@code global.name}, RFC 6609 §3.5). */
    public static boolean isGlobalName(String name) {
        return GLOBAL.matcher(name).matches();
    }

    /**
     * Replaces the match variables after a successful match (RFC 5229 §3.2): the whole value
     * first, then what each wildcard or group took.
     */
    void matched(List<String> values) {
        if (!enabled) {
            return;
        }
        List<String> cut = new ArrayList<>(values.size());
        for (String v : values) {
            cut.add(cut(v));
        }
        matched = List.copyOf(cut);
    }

    private static String cut(String value) {
        if (value.length() <= MAX_VALUE) {
            return value;
        }
        int end = MAX_VALUE;
        if (Character.isHighSurrogate(value.charAt(end - 1))) {
            end--;   // never half a character
        }
        return value.substring(0, end);
    }

    /**
     * The first reference in the text that names a namespace Tern does not know ({@code ${env.x}}),
     * or null: RFC 5229 §3 makes such a reference an error. The one namespace known is
     * {@code global}, with {@code include}.
     *
     * @param global whether the script requires {@code include}, which brings {@code global}
     */
    public static String namespacedReference(String text, boolean global) {
        for (String name : bracedNames(text)) {
            if (NAMESPACED.matcher(name).matches() && !(global && GLOBAL.matcher(name).matches())) {
                return name;
            }
        }
        return null;
    }

    /** Whether the text holds a reference that expansion would replace. */
    public static boolean hasReference(String text) {
        return bracedNames(text).stream().anyMatch(name -> IDENTIFIER.matcher(name).matches()
                || NUMBER.matcher(name).matches() || GLOBAL.matcher(name).matches());
    }

    /** What stands between each {@code ${} and the next {@code }} of the text, reference or not. */
    private static List<String> bracedNames(String text) {
        List<String> names = new ArrayList<>();
        int i = text.indexOf("${");
        while (i >= 0) {
            int end = text.indexOf('}', i + 2);
            if (end < 0) {
                break;
            }
            names.add(text.substring(i + 2, end));
            i = text.indexOf("${", i + 1);
        }
        return names;
    }
}
