package dev.tern.store.sql;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The SQL condition "this address is in one of these domains", for the views of tenants. Addresses
 * are stored as the client gave them, so a domain is matched in its A-label form and, for an
 * internationalised one, in its Unicode form too.
 */
final class DomainMatch {

    private DomainMatch() {
    }

    /**
     * Appends {@code (column LIKE ? OR …)} with a pattern per form of each domain; {@code column}
     * must already be in lower case (an address key, or {@code LOWER(…)}).
     */
    static void append(StringBuilder sql, List<Object> args, String column, Set<String> domains) {
        Set<String> forms = new LinkedHashSet<>();
        for (String d : new TreeSet<>(domains)) {
            String ascii = d.toLowerCase(Locale.ROOT);
            forms.add(ascii);
            try {
                forms.add(dev.tern.mail.Idna.toUnicode(ascii).toLowerCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                // not an IDN: the A-label form is all there is
            }
        }
        sql.append('(');
        boolean first = true;
        for (String f : forms) {
            if (!first) {
                sql.append(" OR ");
            }
            first = false;
            sql.append(column).append(" LIKE ? ESCAPE '\\'");
            args.add("%@" + f.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_"));
        }
        sql.append(')');
    }
}
