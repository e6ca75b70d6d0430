package dev.tern.sieve.commands;

import org.apache.jsieve.Argument;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.NumberArgument;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.StringListArgument;
import org.apache.jsieve.TagArgument;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.MailAdapter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The arguments of one command or test, split into its tags (with the string list that follows a
 * tag that takes one) and its positional string lists. Tags are compared without regard to case,
 * as Sieve identifiers are (RFC 5228 §2.4.2). The strings are taken with the run's variables
 * expanded (RFC 5229 §3), as they stand when the command or test runs.
 */
record ParsedArguments(Map<String, List<String>> tags, List<List<String>> strings) {

    /**
     * @param mail   the run's message, which keeps its variables
     * @param valued the tags a string list follows
     * @param bare   the tags nothing follows
     */
    static ParsedArguments parse(MailAdapter mail, Arguments arguments, Set<String> valued, Set<String> bare,
            SieveContext context) throws SieveException {
        arguments = RunState.of(mail, context).variables().expand(arguments);
        Map<String, List<String>> tags = new LinkedHashMap<>();
        List<List<String>> strings = new ArrayList<>();
        List<Argument> list = arguments.getArgumentList();
        for (int i = 0; i < list.size(); i++) {
            Argument a = list.get(i);
            if (a instanceof TagArgument tag) {
                String name = tag.getTag().toLowerCase(Locale.ROOT);
                if (valued.contains(name)) {
                    Argument next = i + 1 < list.size() ? list.get(i + 1) : null;
                    if (next instanceof NumberArgument number) {
                        tags.put(name, List.of(String.valueOf(number.getInteger())));   // :index 2
                    } else if (next instanceof StringListArgument value) {
                        tags.put(name, value.getList());
                    } else {
                        throw context.getCoordinate().syntaxException("the tag " + name + " needs a string list");
                    }
                    i++;
                } else if (bare.contains(name)) {
                    tags.put(name, List.of());
                } else {
                    throw context.getCoordinate().syntaxException("unexpected tag " + name);
                }
            } else if (a instanceof StringListArgument s) {
                strings.add(s.getList());
            } else {
                throw context.getCoordinate().syntaxException("unexpected argument " + a);
            }
        }
        return new ParsedArguments(tags, strings);
    }

    boolean has(String tag) {
        return tags.containsKey(tag);
    }

    List<String> value(String tag) {
        return tags.get(tag);
    }

    /** The one positional string of a command that takes exactly that. */
    String single(SieveContext context) throws SieveException {
        if (strings.size() != 1 || strings.get(0).size() != 1) {
            throw context.getCoordinate().syntaxException("expecting exactly one string");
        }
        return strings.get(0).get(0);
    }

    /** The list of flags of imap4flags' commands and test: their last positional string list. */
    List<String> flagList(SieveContext context) throws SieveException {
        if (strings.size() != 1 && strings.size() != 2) {
            throw context.getCoordinate().syntaxException("expecting a list of flags");
        }
        return strings.get(strings.size() - 1);
    }

    /**
     * The variables an imap4flags command or test names before its flags (RFC 5232 §3, §4), or
     * null when it works on the internal flag variable.
     */
    List<String> flagVariables() {
        return strings.size() == 2 ? strings.get(0) : null;
    }
}
