package dev.tern.sieve;

import dev.tern.sieve.commands.DatePart;
import dev.tern.sieve.commands.Extensions;
import dev.tern.sieve.commands.Relation;
import dev.tern.sieve.commands.SpecialUseExists;
import dev.tern.sieve.commands.Variables;
import org.apache.jsieve.NumberArgument;
import org.apache.jsieve.TagArgument;
import org.apache.jsieve.parser.SieveNode;
import org.apache.jsieve.parser.generated.ASTargument;
import org.apache.jsieve.parser.generated.ASTarguments;
import org.apache.jsieve.parser.generated.ASTblock;
import org.apache.jsieve.parser.generated.ASTcommand;
import org.apache.jsieve.parser.generated.ASTcommands;
import org.apache.jsieve.parser.generated.ASTstring;
import org.apache.jsieve.parser.generated.ASTtest;
import org.apache.jsieve.parser.generated.ASTtest_list;
import org.apache.jsieve.parser.generated.Node;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a parsed script as a whole before it is stored: every command and test is one Tern
 * runs, with tags it knows, the right number of arguments, and the extension it belongs to named
 * in a {@code require} at the top (RFC 5228 §3.2). jSieve's own parse checks only the names of
 * commands and of required extensions and leaves the rest to the moment a branch runs, which
 * would let a mistake wait silently for the one message that takes that branch. The arguments
 * whose values are a closed set are checked too: a relational operator (RFC 5231 §5), a
 * date-part and a {@code :zone} (RFC 5260 §4.1.1, §4.2).
 */
final class ScriptCheck {

    /** What a tag is followed by. */
    private enum TagValue { NONE, NUMBER, STRING, STRING_LIST }

    /**
     * @param extension the {@code require} name it needs, or null
     * @param tags      the tags it takes and what follows each
     * @param positional how many strings or string lists follow the tags
     * @param tests     how many tests it takes: 0, 1, or -1 for a test list
     * @param block     whether a block follows
     */
    private record Spec(String extension, Map<String, TagValue> tags, int positional, int tests, boolean block) {
    }

    /** COMPARATOR and MATCH-TYPE (RFC 5228 §2.7), with the relational match types (RFC 5231 §4). */
    private static final Map<String, TagValue> MATCH = Map.of(":is", TagValue.NONE, ":contains", TagValue.NONE,
            ":matches", TagValue.NONE, ":regex", TagValue.NONE, ":value", TagValue.STRING, ":count", TagValue.STRING,
            ":comparator", TagValue.STRING);
    private static final Map<String, TagValue> ADDRESS = with(MATCH, Map.of(":all", TagValue.NONE,
            ":localpart", TagValue.NONE, ":domain", TagValue.NONE, ":user", TagValue.NONE, ":detail", TagValue.NONE));
    /** The {@code :index} of the header, address and date tests (RFC 5260 §6). */
    private static final Map<String, TagValue> INDEX = Map.of(":index", TagValue.NUMBER, ":last", TagValue.NONE);
    /** The tags of currentdate and date (RFC 5260 §4, §5). */
    private static final Map<String, TagValue> CURRENTDATE = with(MATCH, Map.of(":zone", TagValue.STRING));
    private static final Map<String, TagValue> DATE = with(with(CURRENTDATE, Map.of(":originalzone", TagValue.NONE)),
            INDEX);

    private static final Set<String> MATCH_TYPES = Set.of(":is", ":contains", ":matches", ":regex", ":value", ":count");

    private static final Map<String, Spec> COMMANDS = Map.ofEntries(
            Map.entry("require", new Spec(null, Map.of(), 1, 0, false)),
            Map.entry("if", new Spec(null, Map.of(), 0, 1, true)),
            Map.entry("elsif", new Spec(null, Map.of(), 0, 1, true)),
            Map.entry("else", new Spec(null, Map.of(), 0, 0, true)),
            Map.entry("stop", new Spec(null, Map.of(), 0, 0, false)),
            Map.entry("keep", new Spec(null, Map.of(":flags", TagValue.STRING_LIST), 0, 0, false)),
            Map.entry("discard", new Spec(null, Map.of(), 0, 0, false)),
            Map.entry("redirect", new Spec(null, Map.of(":copy", TagValue.NONE), 1, 0, false)),
            Map.entry("fileinto", new Spec("fileinto", Map.of(":copy", TagValue.NONE, ":create", TagValue.NONE,
                    ":flags", TagValue.STRING_LIST, ":specialuse", TagValue.STRING, ":mailboxid", TagValue.STRING),
                    1, 0, false)),
            Map.entry("setflag", new Spec("imap4flags", Map.of(), 1, 0, false)),
            Map.entry("addflag", new Spec("imap4flags", Map.of(), 1, 0, false)),
            Map.entry("removeflag", new Spec("imap4flags", Map.of(), 1, 0, false)),
            Map.entry("reject", new Spec("reject", Map.of(), 1, 0, false)),
            Map.entry("vacation", new Spec("vacation", Map.of(":days", TagValue.NUMBER, ":subject", TagValue.STRING,
                    ":from", TagValue.STRING, ":addresses", TagValue.STRING_LIST, ":mime", TagValue.NONE,
                    ":handle", TagValue.STRING, ":seconds", TagValue.NUMBER), 1, 0, false)),
            Map.entry("set", new Spec("variables", Map.of(":lower", TagValue.NONE, ":upper", TagValue.NONE,
                    ":lowerfirst", TagValue.NONE, ":upperfirst", TagValue.NONE, ":quotewildcard", TagValue.NONE,
                    ":length", TagValue.NONE, ":encodeurl", TagValue.NONE), 2, 0, false)),
            Map.entry("notify", new Spec("enotify", Map.of(":from", TagValue.STRING, ":importance", TagValue.STRING,
                    ":options", TagValue.STRING_LIST, ":message", TagValue.STRING), 1, 0, false)),
            Map.entry("include", new Spec("include", Map.of(":personal", TagValue.NONE, ":global", TagValue.NONE,
                    ":once", TagValue.NONE, ":optional", TagValue.NONE), 1, 0, false)),
            Map.entry("return", new Spec("include", Map.of(), 0, 0, false)),
            Map.entry("global", new Spec("include", Map.of(), 1, 0, false)),
            Map.entry("error", new Spec("ihave", Map.of(), 1, 0, false)),
            Map.entry("addheader", new Spec("editheader", Map.of(":last", TagValue.NONE), 2, 0, false)),
            // its value patterns are optional: one or two arguments
            Map.entry("deleteheader", new Spec("editheader", with(MATCH, INDEX), 2, 0, false)));

    private static final Map<String, Spec> TESTS = Map.ofEntries(
            Map.entry("address", new Spec(null, with(ADDRESS, INDEX), 2, 0, false)),
            Map.entry("envelope", new Spec("envelope", ADDRESS, 2, 0, false)),
            Map.entry("header", new Spec(null, with(MATCH, INDEX), 2, 0, false)),
            Map.entry("exists", new Spec(null, Map.of(), 1, 0, false)),
            Map.entry("size", new Spec(null, Map.of(":over", TagValue.NUMBER, ":under", TagValue.NUMBER), 0, 0, false)),
            Map.entry("not", new Spec(null, Map.of(), 0, 1, false)),
            Map.entry("allof", new Spec(null, Map.of(), 0, -1, false)),
            Map.entry("anyof", new Spec(null, Map.of(), 0, -1, false)),
            Map.entry("true", new Spec(null, Map.of(), 0, 0, false)),
            Map.entry("false", new Spec(null, Map.of(), 0, 0, false)),
            Map.entry("hasflag", new Spec("imap4flags", MATCH, 1, 0, false)),
            Map.entry("mailboxexists", new Spec("mailbox", Map.of(), 1, 0, false)),
            Map.entry("string", new Spec("variables", MATCH, 2, 0, false)),
            Map.entry("specialuse_exists", new Spec("special-use", Map.of(), 1, 0, false)),
            Map.entry("mailboxidexists", new Spec("mailboxid", Map.of(), 1, 0, false)),
            Map.entry("environment", new Spec("environment", MATCH, 2, 0, false)),
            Map.entry("ihave", new Spec("ihave", Map.of(), 1, 0, false)),
            Map.entry("valid_notify_method", new Spec("enotify", Map.of(), 1, 0, false)),
            Map.entry("notify_method_capability", new Spec("enotify", MATCH, 3, 0, false)),
            Map.entry("spamtest", new Spec("spamtest", with(MATCH, Map.of(":percent", TagValue.NONE)), 1, 0, false)),
            Map.entry("duplicate", new Spec("duplicate", Map.of(":handle", TagValue.STRING, ":header", TagValue.STRING,
                    ":uniqueid", TagValue.STRING, ":seconds", TagValue.NUMBER, ":last", TagValue.NONE), 0, 0, false)),
            Map.entry("date", new Spec("date", DATE, 3, 0, false)),
            Map.entry("currentdate", new Spec("date", CURRENTDATE, 2, 0, false)),
            // jSieve's body test matches with :contains only, on the text or the raw body
            Map.entry("body", new Spec("body", Map.of(":contains", TagValue.NONE, ":comparator", TagValue.STRING,
                    ":raw", TagValue.NONE, ":text", TagValue.NONE), 1, 0, false)));

    /**
     * The tags that belong to an extension rather than to the command that takes them: keep's and
     * fileinto's {@code :flags} (RFC 5232 §5), {@code :copy} (RFC 3894), {@code :create} (RFC 5490 §3.2),
     * the relational match types (RFC 5231 §4), the address parts of subaddress (RFC 5233 §4), the
     * match type of regex (draft-ietf-sieve-regex).
     */
    private static final Map<String, String> TAG_EXTENSIONS = Map.ofEntries(Map.entry(":flags", "imap4flags"),
            Map.entry(":copy", "copy"), Map.entry(":create", "mailbox"), Map.entry(":value", "relational"),
            Map.entry(":count", "relational"), Map.entry(":user", "subaddress"), Map.entry(":detail", "subaddress"),
            Map.entry(":regex", "regex"), Map.entry(":specialuse", "special-use"), Map.entry(":mailboxid", "mailboxid"),
            Map.entry(":index", "index"));

    /** Tags that belong to an extension when one command takes them: vacation's {@code :seconds} (RFC 6131). */
    private static final Map<String, String> COMMAND_TAG_EXTENSIONS = Map.of("vacation :seconds", "vacation-seconds",
            "header :last", "index", "address :last", "index", "date :last", "index", "spamtest :percent", "spamtestplus",
            "set :encodeurl", "enotify", "deleteheader :index", "editheader", "deleteheader :last", "editheader");

    /**
     * The commands and tests of imap4flags whose first argument may name a variable, a form only
     * the {@code variables} extension (RFC 5229) allows (RFC 5232 §3, §4).
     */
    private static final Set<String> VARIABLE_FIRST = Set.of("setflag", "addflag", "removeflag", "hasflag");

    /** The extensions a script may require: the {@code SIEVE} capability of ManageSieve (RFC 5804 §1.7). */
    static final List<String> EXTENSIONS = Extensions.SUPPORTED;

    private static final Set<String> COMPARATORS = Set.of("i;octet", "i;ascii-casemap", "i;ascii-numeric");

    private final Set<String> required = new HashSet<>();
    /** What the run needs: the requires, and what any {@code if ihave} block may use. */
    private final Set<String> used = new HashSet<>();
    /** The variables the script names, lower case: {@code set}'s and imap4flags' (RFC 5229 §6 bounds them). */
    private final Set<String> variableNames = new HashSet<>();

    private ScriptCheck() {
    }

    private static Map<String, TagValue> with(Map<String, TagValue> a, Map<String, TagValue> b) {
        Map<String, TagValue> out = new java.util.HashMap<>(a);
        out.putAll(b);
        return Map.copyOf(out);
    }

    /**
     * Checks the tree jSieve parsed from a script; returns the extensions it requires, lower case,
     * with those a block guarded by {@code ihave} uses (RFC 5463).
     */
    static Set<String> check(Node start) throws SieveScriptException {
        ScriptCheck check = new ScriptCheck();
        for (int i = 0; i < start.jjtGetNumChildren(); i++) {
            if (start.jjtGetChild(i) instanceof ASTcommands commands) {
                check.commands(commands, true);
            }
        }
        check.used.addAll(check.required);
        return Set.copyOf(check.used);
    }

    private void commands(ASTcommands commands, boolean top) throws SieveScriptException {
        boolean requiresAllowed = top;
        String previous = null;
        for (int i = 0; i < commands.jjtGetNumChildren(); i++) {
            ASTcommand command = (ASTcommand) commands.jjtGetChild(i);
            String name = command.getName().toLowerCase(java.util.Locale.ROOT);
            Spec spec = COMMANDS.get(name);
            if (spec == null) {
                throw error(command, "unknown command '" + name + "'");
            }
            if (name.equals("require")) {
                if (!requiresAllowed) {
                    throw error(command, "require must come before every other command");
                }
            } else {
                requiresAllowed = false;
            }
            if ((name.equals("elsif") || name.equals("else")) && !"if".equals(previous) && !"elsif".equals(previous)) {
                throw error(command, name + " must follow if or elsif");
            }
            previous = name;
            needs(spec, command, "command '" + name + "'");
            Parts parts = parts(command, name, spec, "command '" + name + "'");
            if (name.equals("require")) {
                for (String extension : parts.strings().get(0)) {
                    String lower = extension.toLowerCase(java.util.Locale.ROOT);
                    if (!EXTENSIONS.contains(lower)) {
                        throw error(command, "extension '" + extension + "' is not supported");
                    }
                    required.add(lower);
                    if (lower.equals("vacation-seconds")) {
                        required.add("vacation");   // RFC 6131 §2: it implies vacation
                    }
                    if (lower.equals("spamtestplus")) {
                        required.add("spamtest");   // RFC 5235 §3.2: it implies spamtest
                    }
                }
            }
            if (name.equals("redirect")) {
                single(command, parts, 0, "redirect");
                try {
                    if (!variable(parts.strings().get(0).get(0))) {   // else checked when it runs
                        dev.tern.mail.MailAddress.parse(parts.strings().get(0).get(0));
                    }
                } catch (IllegalArgumentException e) {
                    throw error(command, "redirect to '" + parts.strings().get(0).get(0) + "': not an address");
                }
            }
            if (name.equals("set")) {
                setArguments(command, parts);
            }
            if (name.equals("include")) {
                include(command, parts);
            }
            if (name.equals("global")) {
                if (!required.contains("variables")) {
                    throw error(command, "global needs require \"variables\"");
                }
                for (String variable : parts.strings().get(0)) {
                    name(command, "global", variable);
                }
            }
            if (name.equals("vacation") && parts.tags().contains(":days") && parts.tags().contains(":seconds")) {
                throw error(command, "vacation takes :days or :seconds, not both");
            }
            if (name.equals("notify")) {
                single(command, parts, 0, "notify: the method");
                String method = parts.strings().get(0).get(0);
                if (!variable(method) && !dev.tern.sieve.commands.MailtoUri.valid(method)) {
                    throw error(command, "notify: \"" + method + "\" is not a method Tern has (a mailto: URI with "
                            + "an address)");
                }
            }
            if (name.equals("fileinto") || name.equals("reject")) {
                single(command, parts, 0, name);
            }
            if (name.equals("addheader") || name.equals("deleteheader")) {
                editheader(command, name, parts);
            }
            for (Node t : parts.tests()) {
                test((ASTtest) t);
            }
            ASTblock block = child(command, ASTblock.class);
            if (spec.block() != (block != null)) {
                throw error(command, spec.block() ? name + " needs a block" : name + " takes no block");
            }
            if (block != null) {
                ASTcommands inner = child(block, ASTcommands.class);
                List<String> guard = (name.equals("if") || name.equals("elsif")) && parts.tests().size() == 1
                        ? ihave((ASTtest) parts.tests().get(0)) : null;
                if (inner != null && guard == null) {
                    commands(inner, false);
                } else if (inner != null && EXTENSIONS.containsAll(guard)) {
                    // inside "if ihave [...]" the extensions it names may be used (RFC 5463 §4)
                    Set<String> outside = new HashSet<>(required);
                    required.addAll(guard);
                    used.addAll(guard);
                    commands(inner, false);
                    required.retainAll(outside);
                }
                // a block guarded by an extension Tern lacks never runs, and may use what Tern does
                // not know: it is not checked (RFC 5463 §4)
            }
        }
    }

    /** The extensions an {@code ihave} test names, lower case; null when the test is no ihave. */
    private static List<String> ihave(ASTtest test) {
        if (!test.getName().equalsIgnoreCase("ihave")) {
            return null;
        }
        return strings(test).stream().map(s -> s.toLowerCase(java.util.Locale.ROOT)).toList();
    }

    private void test(ASTtest test) throws SieveScriptException {
        String name = test.getName().toLowerCase(java.util.Locale.ROOT);
        Spec spec = TESTS.get(name);
        if (spec == null) {
            throw error(test, "unknown test '" + name + "'");
        }
        needs(spec, test, "test '" + name + "'");
        Parts parts = parts(test, name, spec, "test '" + name + "'");
        if (name.equals("size") && (parts.tags().size() != 1)) {
            throw error(test, "size needs one of :over or :under and a number");
        }
        long matchTypes = parts.tags().stream().filter(MATCH_TYPES::contains).count();
        long addressParts = parts.tags().stream()
                .filter(t -> Set.of(":all", ":localpart", ":domain", ":user", ":detail").contains(t)).count();
        long transforms = parts.tags().stream().filter(t -> Set.of(":raw", ":text").contains(t)).count();
        long zones = parts.tags().stream().filter(t -> Set.of(":zone", ":originalzone").contains(t)).count();
        long duplicateIds = parts.tags().stream().filter(t -> Set.of(":header", ":uniqueid").contains(t)).count();
        if (matchTypes > 1 || addressParts > 1 || transforms > 1 || zones > 1 || duplicateIds > 1) {
            throw error(test, "test '" + name + "' has conflicting tags");
        }
        if (parts.tags().contains(":last") && !parts.tags().contains(":index") && !name.equals("duplicate")) {
            throw error(test, "test '" + name + "': :last needs :index");
        }
        if (name.equals("date") || name.equals("currentdate")) {
            // RFC 5260 §4: one header name and one date-part, each a single string
            int part = name.equals("date") ? 1 : 0;
            if (part == 1) {
                single(test, parts, 0, "test 'date': the header name");
            }
            single(test, parts, part, "test '" + name + "': the date-part");
            String datePart = parts.strings().get(part).get(0);
            if (!variable(datePart) && DatePart.of(datePart) == null) {
                throw error(test, "test '" + name + "': unknown date-part '" + datePart + "' (one of year, month, "
                        + "day, date, julian, hour, minute, second, time, iso8601, std11, zone, weekday)");
            }
        }
        for (Node t : parts.tests()) {
            test((ASTtest) t);
        }
    }

    /** The tags, positional string lists and tests of a command or test, checked against its spec. */
    private record Parts(List<String> tags, List<List<String>> strings, List<Node> tests) {
    }

    private Parts parts(Node node, String name, Spec spec, String what) throws SieveScriptException {
        List<String> tags = new ArrayList<>();
        List<List<String>> strings = new ArrayList<>();
        List<Node> tests = new ArrayList<>();
        boolean numeric = false;
        ASTarguments arguments = child(node, ASTarguments.class);
        List<Node> items = new ArrayList<>();
        if (arguments != null) {
            for (int i = 0; i < arguments.jjtGetNumChildren(); i++) {
                items.add(arguments.jjtGetChild(i));
            }
        }
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            if (item instanceof ASTtest t) {
                tests.add(t);
                continue;
            }
            if (item instanceof ASTtest_list list) {
                if (spec.tests() != -1) {
                    throw error(node, what + " takes " + (spec.tests() == 1 ? "one test, not a list" : "no test"));
                }
                for (int j = 0; j < list.jjtGetNumChildren(); j++) {
                    tests.add(list.jjtGetChild(j));
                }
                continue;
            }
            Object value = ((SieveNode) item).getValue();
            if (value instanceof TagArgument tag) {
                String t = tag.getTag().toLowerCase(java.util.Locale.ROOT);
                TagValue follows = spec.tags().get(t);
                if (follows == null) {
                    throw error(node, what + " does not take the tag " + t);
                }
                if (tags.contains(t)) {
                    throw error(node, what + " has the tag " + t + " twice");
                }
                String extension = COMMAND_TAG_EXTENSIONS.getOrDefault(name + " " + t, TAG_EXTENSIONS.get(t));
                if (extension != null && !required.contains(extension)) {
                    throw error(node, what + ": the tag " + t + " needs require \"" + extension + "\"");
                }
                if (!strings.isEmpty()) {
                    throw error(node, what + ": the tag " + t + " must come before the other arguments");
                }
                tags.add(t);
                if (follows != TagValue.NONE) {
                    Node next = i + 1 < items.size() ? items.get(++i) : null;
                    Object nextValue = next == null ? null : ((SieveNode) next).getValue();
                    boolean number = nextValue instanceof NumberArgument;
                    List<String> list = next == null || number || nextValue instanceof TagArgument ? null : strings(next);
                    if (follows == TagValue.NUMBER ? !number
                            : list == null || (follows == TagValue.STRING && list.size() != 1)) {
                        throw error(node, what + ": the tag " + t + " needs "
                                + switch (follows) {
                                    case NUMBER -> "a number";
                                    case STRING -> "a string";
                                    default -> "a string list";
                                });
                    }
                    if (t.equals(":index") && ((NumberArgument) nextValue).getInteger() < 1) {
                        throw error(node, what + ": :index counts fields from 1");
                    }
                    if (t.equals(":comparator")) {
                        String comparator = list.get(0).toLowerCase(java.util.Locale.ROOT);
                        if (!COMPARATORS.contains(comparator)) {
                            throw error(node, "comparator '" + list.get(0) + "' is not supported");
                        }
                        numeric = comparator.equals("i;ascii-numeric");
                        if (comparator.equals("i;ascii-numeric") && !required.contains("comparator-i;ascii-numeric")) {
                            throw error(node, "comparator i;ascii-numeric needs require \"comparator-i;ascii-numeric\"");
                        }
                    }
                    if ((t.equals(":value") || t.equals(":count")) && !variable(list.get(0))
                            && Relation.of(list.get(0)) == null) {
                        throw error(node, what + ": the tag " + t + " needs one of \"gt\", \"ge\", \"lt\", \"le\", "
                                + "\"eq\", \"ne\", not \"" + list.get(0) + "\"");
                    }
                    if (t.equals(":specialuse") && !variable(list.get(0)) && !SpecialUseExists.isAttribute(list.get(0))) {
                        throw error(node, what + ": \"" + list.get(0) + "\" is not a special-use attribute such as "
                                + "\"\\\\Junk\"");
                    }
                    if (t.equals(":zone") && !variable(list.get(0)) && DatePart.zone(list.get(0)) == null) {
                        throw error(node, what + ": the tag :zone needs a zone such as \"+0100\" or \"-0500\", not \""
                                + list.get(0) + "\"");
                    }
                }
                continue;
            }
            if (value instanceof NumberArgument) {
                throw error(node, what + ": a number where none is expected");
            }
            strings.add(strings(item));
        }
        if (!name.equals("require")) {
            for (List<String> list : strings) {
                references(node, what, list);
            }
        }
        if (name.equals("specialuse_exists") && !strings.isEmpty()) {
            for (String attribute : strings.get(strings.size() - 1)) {
                if (!variable(attribute) && !SpecialUseExists.isAttribute(attribute)) {
                    throw error(node, what + ": \"" + attribute + "\" is not a special-use attribute such as \"\\\\Junk\"");
                }
            }
            if (strings.size() == 2) {
                if (strings.get(0).size() != 1) {
                    throw error(node, what + " takes one mailbox name, not a list");
                }
                strings.remove(0);   // the optional mailbox
            }
        }
        if (VARIABLE_FIRST.contains(name) && strings.size() == spec.positional() + 1) {
            // setflag "name" "flags" (RFC 5232 §3), hasflag ["names"] "flags" (§4)
            if (!required.contains("variables")) {
                throw error(node, what + ": a variable name before the flags needs require \"variables\"");
            }
            List<String> names = strings.remove(0);
            if (!name.equals("hasflag") && names.size() != 1) {
                throw error(node, what + " takes one variable name, not a list");
            }
            for (String variableName : names) {
                name(node, what, variableName);
            }
        }
        if (numeric && (tags.contains(":contains") || tags.contains(":matches") || tags.contains(":regex"))) {
            // RFC 4790 §9.1: i;ascii-numeric orders and compares for equality; it has no substrings
            throw error(node, what + ": the comparator i;ascii-numeric takes :is, :value or :count, not "
                    + (tags.contains(":contains") ? ":contains" : tags.contains(":matches") ? ":matches" : ":regex"));
        }
        if (tags.contains(":regex") && !strings.isEmpty()) {
            // the keys come last; a bad expression is the script's error, found before it is stored
            for (String key : strings.get(strings.size() - 1)) {
                if (variable(key)) {
                    continue;   // an expression made when it runs; a bad one fails the run then
                }
                try {
                    dev.tern.sieve.commands.RegexMatch.compile(key, false);
                } catch (java.util.regex.PatternSyntaxException e) {
                    throw error(node, what + ": \"" + key + "\" is not a regular expression: " + e.getDescription());
                }
            }
        }
        if (strings.size() != spec.positional() && !(name.equals("deleteheader") && strings.size() == 1)) {
            throw error(node, what + " takes " + count(spec.positional(), "argument") + ", not " + strings.size());
        }
        int wantTests = spec.tests() == -1 ? Math.max(1, tests.size()) : spec.tests();
        if (tests.size() != wantTests || (spec.tests() == -1 && tests.isEmpty())) {
            throw error(node, what + (spec.tests() == 0 ? " takes no test"
                    : spec.tests() == 1 ? " needs one test" : " needs a list of tests"));
        }
        return new Parts(tags, strings, tests);
    }

    /** Whether the string holds a variable reference, to be expanded when it runs (RFC 5229 §3). */
    private boolean variable(String text) {
        return required.contains("variables") && Variables.hasReference(text);
    }

    /** Refuses a reference to a namespace, which no extension here defines (RFC 5229 §3). */
    private void references(Node node, String what, List<String> strings) throws SieveScriptException {
        if (!required.contains("variables")) {
            return;
        }
        for (String text : strings) {
            String namespaced = Variables.namespacedReference(text, required.contains("include"));
            if (namespaced != null) {
                throw error(node, what + ": the variable namespace of \"${" + namespaced + "}\" is not supported");
            }
        }
    }

    /** A variable name that set or imap4flags writes: an identifier, counted against the bound. */
    private void name(Node node, String what, String name) throws SieveScriptException {
        boolean global = required.contains("include") && Variables.isGlobalName(name) && what.equals("set");
        if (!Variables.isIdentifier(name) && !global) {
            throw error(node, what + ": \"" + name + "\" is not a variable name (letters, digits and \"_\", "
                    + "not starting with a digit)");
        }
        variableNames.add(name.toLowerCase(java.util.Locale.ROOT));
        if (variableNames.size() > Variables.MAX_NAMES) {
            throw error(node, "more than " + Variables.MAX_NAMES + " variables");
        }
    }

    /**
     * include's script name: written out (it says which script to read before any runs), and a
     * name a script can have (RFC 5804 §1.6); {@code :personal} and {@code :global} exclude each other.
     */
    private void include(ASTcommand command, Parts parts) throws SieveScriptException {
        single(command, parts, 0, "include: the script name");
        String script = parts.strings().get(0).get(0);
        if (variable(script)) {
            throw error(command, "include: the script name must be written out, not made of variables");
        }
        if (script.isEmpty() || script.length() > 128 || script.chars().anyMatch(c -> c < 0x20 || c == 0x7f)
                || parts.tags().contains(":global") && (script.contains("/") || script.startsWith("."))) {
            throw error(command, "include: \"" + script + "\" is not a script name");
        }
        if (parts.tags().contains(":personal") && parts.tags().contains(":global")) {
            throw error(command, "include takes :personal or :global, not both");
        }
    }

    /**
     * addheader's and deleteheader's arguments (RFC 5293 §4, §5): one field name, written out a
     * name a field can have, a value without control characters within the bound; deleteheader's
     * {@code :last} only with {@code :index}, and no {@code :count}, which would pick no field.
     */
    private void editheader(ASTcommand command, String name, Parts parts) throws SieveScriptException {
        single(command, parts, 0, name + ": the field name");
        String field = parts.strings().get(0).get(0);
        if (!variable(field) && !HeaderFields.isFieldName(field)) {
            throw error(command, name + ": \"" + field.replaceAll("[\\x00-\\x1f\\x7f]", "?")
                    + "\" is not a header field name (printable US-ASCII, no colon or blank)");
        }
        if (name.equals("addheader")) {
            single(command, parts, 1, "addheader: the value");
            String value = parts.strings().get(1).get(0);
            if (!variable(field) && field.length() > HeaderFields.MAX_NAME) {
                throw error(command, "addheader: the field name is longer than " + HeaderFields.MAX_NAME + " characters");
            }
            if (!variable(value)) {
                if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > HeaderFields.MAX_VALUE) {
                    throw error(command, "addheader: the value is longer than " + HeaderFields.MAX_VALUE + " octets");
                }
                if (value.chars().anyMatch(c -> (c < 0x20 && c != '\t' && c != '\r' && c != '\n') || c == 0x7f)) {
                    throw error(command, "addheader: the value has a control character");
                }
            }
            return;
        }
        if (parts.tags().stream().filter(MATCH_TYPES::contains).count() > 1) {
            throw error(command, "deleteheader has conflicting tags");
        }
        if (parts.tags().contains(":last") && !parts.tags().contains(":index")) {
            throw error(command, "deleteheader: :last needs :index");
        }
        if (parts.tags().contains(":count")) {
            throw error(command, "deleteheader cannot match with :count");
        }
    }

    /** set's name and value, and its modifiers: at most one of each precedence (RFC 5229 §4.1). */
    private void setArguments(ASTcommand command, Parts parts) throws SieveScriptException {
        single(command, parts, 0, "set: the variable name");
        single(command, parts, 1, "set: the value");
        name(command, "set", parts.strings().get(0).get(0));
        if (parts.tags().contains(":lower") && parts.tags().contains(":upper")
                || parts.tags().contains(":lowerfirst") && parts.tags().contains(":upperfirst")) {
            throw error(command, "set: :lower and :upper, or :lowerfirst and :upperfirst, exclude each other");
        }
    }

    private static List<String> strings(Node argument) {
        List<String> out = new ArrayList<>();
        collectStrings(argument, out);
        return out;
    }

    private static void collectStrings(Node node, List<String> out) {
        if (node instanceof ASTstring s) {
            out.add(String.valueOf(s.getValue()));
            return;
        }
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            collectStrings(node.jjtGetChild(i), out);
        }
    }

    private void needs(Spec spec, Node node, String what) throws SieveScriptException {
        if (spec.extension() != null && !required.contains(spec.extension())) {
            throw error(node, what + " needs require \"" + spec.extension() + "\"");
        }
    }

    private static void single(Node node, Parts parts, int index, String what) throws SieveScriptException {
        if (parts.strings().get(index).size() != 1) {
            throw error(node, what + " takes one string, not a list");
        }
    }

    private static String count(int n, String noun) {
        return n == 0 ? "no " + noun : n == 1 ? "one " + noun : n + " " + noun + "s";
    }

    private static <T> T child(Node node, Class<T> type) {
        for (int i = 0; i < node.jjtGetNumChildren(); i++) {
            if (type.isInstance(node.jjtGetChild(i))) {
                return type.cast(node.jjtGetChild(i));
            }
        }
        return null;
    }

    private static SieveScriptException error(Node node, String message) {
        var coordinate = ((SieveNode) node).getCoordinate();
        return new SieveScriptException(coordinate == null ? 0 : coordinate.getStartLineNumber(), message);
    }
}
