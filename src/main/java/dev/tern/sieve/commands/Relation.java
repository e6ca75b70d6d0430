package dev.tern.sieve.commands;

import java.util.Locale;

/**
 * The relational operators of the {@code relational} extension (RFC 5231 §5): the argument of
 * {@code :value} and {@code :count}, naming how a value (or count) must stand to a key under the
 * comparator's ordering.
 */
public enum Relation {
    GT, GE, LT, LE, EQ, NE;

    /** The operator of this name, without regard to case (RFC 5231 §5 grammar), or null. */
    public static Relation of(String name) {
        try {
            return name.length() == 2 ? valueOf(name.toUpperCase(Locale.ROOT)) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** Whether a comparison result (value against key, as {@link Comparable}) satisfies the operator. */
    boolean holds(int comparison) {
        return switch (this) {
            case GT -> comparison > 0;
            case GE -> comparison >= 0;
            case LT -> comparison < 0;
            case LE -> comparison <= 0;
            case EQ -> comparison == 0;
            case NE -> comparison != 0;
        };
    }
}
