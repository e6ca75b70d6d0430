package dev.tern.security.spf;

import java.util.List;

/**
 * A parsed SPF record: its directives in order, and the two modifiers that mean something
 * (unknown modifiers are checked for syntax and dropped, §6).
 *
 * @param directives  the mechanisms with their qualifiers, in record order
 * @param redirect    the redirect= domain-spec, or null
 * @param explanation the exp= domain-spec, or null
 */
record SpfRecord(List<Directive> directives, MacroString redirect, MacroString explanation) {

    SpfRecord {
        directives = List.copyOf(directives);
    }

    /**
     * @param result    what a match gives: PASS ("+" or none), FAIL ("-"), SOFTFAIL ("~"), NEUTRAL ("?")
     * @param mechanism the mechanism
     * @param text      the term as written, for the outcome's reason
     */
    record Directive(SpfResult result, Mechanism mechanism, String text) {
    }
}
