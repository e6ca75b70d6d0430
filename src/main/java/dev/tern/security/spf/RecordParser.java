package dev.tern.security.spf;

import dev.tern.security.spf.MacroString.Kind;
import dev.tern.security.spf.SpfRecord.Directive;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Record selection and the grammar of RFC 7208 §4.5, §4.6.1, §5 and §6. The whole record is
 * checked before any of it is evaluated, so that a syntax error anywhere gives "permerror" even
 * when an earlier mechanism would have matched (§4.6).
 */
final class RecordParser {

    private static final String VERSION = "v=spf1";
    /** modifier = name "=" macro-string; name = ALPHA *( ALPHA / DIGIT / "-" / "_" / "." ) */
    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9._-]*)=(.*)", Pattern.DOTALL);
    /** The dual-cidr-length at the end of an a or mx domain-spec; the lazy prefix leaves it the longest. */
    private static final Pattern DOMAIN_AND_CIDR = Pattern.compile("(.*?)((?:/[0-9]+)?(?://[0-9]+)?)", Pattern.DOTALL);
    private static final Pattern DUAL_CIDR = Pattern.compile("(?:/([0-9]+))?(?://([0-9]+))?");

    private RecordParser() {
    }

    /** A TXT record is an SPF record when it starts with "v=spf1" followed by a space or its end (§4.5). */
    static boolean isSpfRecord(String text) {
        return text.regionMatches(true, 0, VERSION, 0, VERSION.length())
                && (text.length() == VERSION.length() || text.charAt(VERSION.length()) == ' ');
    }

    static SpfRecord parse(String text) throws SpfSyntaxException {
        if (!isSpfRecord(text)) {
            throw new SpfSyntaxException("not an SPF record");
        }
        List<Directive> directives = new ArrayList<>();
        MacroString redirect = null;
        MacroString explanation = null;
        // Terms are separated by spaces only (§4.6.1): a tab or line break inside one is a syntax error.
        for (String term : text.substring(VERSION.length()).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher modifier = MODIFIER.matcher(term);
            if (!modifier.matches()) {
                directives.add(directive(term));
                continue;
            }
            String name = modifier.group(1).toLowerCase(Locale.ROOT);
            String value = modifier.group(2);
            switch (name) {
                case "redirect" -> {
                    if (redirect != null) {
                        throw new SpfSyntaxException("redirect= appears twice");
                    }
                    redirect = MacroString.parse(value, Kind.DOMAIN_SPEC);
                }
                case "exp" -> {
                    if (explanation != null) {
                        throw new SpfSyntaxException("exp= appears twice");
                    }
                    explanation = MacroString.parse(value, Kind.DOMAIN_SPEC);
                }
                default -> MacroString.parse(value, Kind.MODIFIER_VALUE); // checked, then ignored (§6)
            }
        }
        return new SpfRecord(directives, redirect, explanation);
    }

    private static Directive directive(String term) throws SpfSyntaxException {
        SpfResult result = switch (term.charAt(0)) {
            case '-' -> SpfResult.FAIL;
            case '~' -> SpfResult.SOFTFAIL;
            case '?' -> SpfResult.NEUTRAL;
            default -> SpfResult.PASS;
        };
        String mechanism = "+-~?".indexOf(term.charAt(0)) >= 0 ? term.substring(1) : term;
        int end = 0;
        while (end < mechanism.length() && mechanism.charAt(end) != ':' && mechanism.charAt(end) != '/') {
            end++;
        }
        String name = mechanism.substring(0, end).toLowerCase(Locale.ROOT);
        String argument = mechanism.substring(end);
        return new Directive(result, mechanism(name, argument, term), term);
    }

    private static Mechanism mechanism(String name, String argument, String term) throws SpfSyntaxException {
        switch (name) {
            case "all" -> {
                if (!argument.isEmpty()) {
                    throw new SpfSyntaxException("\"all\" takes no argument: \"" + printable(term) + "\"");
                }
                return new Mechanism.All();
            }
            case "include" -> {
                return new Mechanism.Include(requiredDomain(argument, term));
            }
            case "exists" -> {
                return new Mechanism.Exists(requiredDomain(argument, term));
            }
            case "ptr" -> {
                return new Mechanism.Ptr(argument.isEmpty() ? null : requiredDomain(argument, term));
            }
            case "a", "mx" -> {
                MacroString domain = null;
                String cidrs = argument;
                if (argument.startsWith(":")) {
                    Matcher m = DOMAIN_AND_CIDR.matcher(argument.substring(1));
                    if (!m.matches()) {
                        throw new SpfSyntaxException("invalid mechanism \"" + printable(term) + "\"");
                    }
                    domain = MacroString.parse(m.group(1), Kind.DOMAIN_SPEC);
                    cidrs = m.group(2);
                }
                Matcher cidr = DUAL_CIDR.matcher(cidrs);
                if (!cidr.matches()) {
                    throw new SpfSyntaxException("invalid mechanism \"" + printable(term) + "\"");
                }
                int cidr4 = cidr.group(1) == null ? 32 : prefix(cidr.group(1), 32, term);
                int cidr6 = cidr.group(2) == null ? 128 : prefix(cidr.group(2), 128, term);
                return name.equals("a") ? new Mechanism.A(domain, cidr4, cidr6) : new Mechanism.Mx(domain, cidr4, cidr6);
            }
            case "ip4" -> {
                String[] network = network(argument, term);
                byte[] address = IpAddresses.parseIp4(network[0]);
                if (address == null) {
                    throw new SpfSyntaxException("\"" + printable(network[0]) + "\" is not an IPv4 address, in \"" + printable(term) + "\"");
                }
                return new Mechanism.Ip4(address, network[1] == null ? 32 : prefix(network[1], 32, term));
            }
            case "ip6" -> {
                String[] network = network(argument, term);
                byte[] address = IpAddresses.parseIp6(network[0]);
                if (address == null) {
                    throw new SpfSyntaxException("\"" + printable(network[0]) + "\" is not an IPv6 address, in \"" + printable(term) + "\"");
                }
                return new Mechanism.Ip6(address, network[1] == null ? 128 : prefix(network[1], 128, term));
            }
            default -> throw new SpfSyntaxException("unknown mechanism \"" + printable(term) + "\"");
        }
    }

    private static MacroString requiredDomain(String argument, String term) throws SpfSyntaxException {
        if (!argument.startsWith(":")) {
            throw new SpfSyntaxException("\"" + printable(term) + "\" needs \":domain\"");
        }
        return MacroString.parse(argument.substring(1), Kind.DOMAIN_SPEC);
    }

    /** ":address" or ":address/prefix" → {address, prefix or null}. */
    private static String[] network(String argument, String term) throws SpfSyntaxException {
        if (!argument.startsWith(":")) {
            throw new SpfSyntaxException("\"" + printable(term) + "\" needs \":address\"");
        }
        String network = argument.substring(1);
        int slash = network.lastIndexOf('/');
        return slash < 0
                ? new String[] {network, null}
                : new String[] {network.substring(0, slash), network.substring(slash + 1)};
    }

    /** A CIDR length: decimal without leading zeros, at most 32 or 128 (§5.6). */
    private static int prefix(String digits, int max, String term) throws SpfSyntaxException {
        boolean valid = !digits.isEmpty() && digits.length() <= 3 && digits.chars().allMatch(c -> c >= '0' && c <= '9')
                && (digits.length() == 1 || digits.charAt(0) != '0');
        if (!valid || Integer.parseInt(digits) > max) {
            throw new SpfSyntaxException("invalid prefix length /" + printable(digits) + " in \"" + printable(term) + "\"");
        }
        return Integer.parseInt(digits);
    }

    private static String printable(String s) {
        return MacroString.printable(s);
    }
}
