package dev.tern.sieve.commands;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ADDRESS-PART argument of {@code address} and {@code envelope} (RFC 5228 §2.7.4): which part
 * of an address is compared. As jSieve's tests did, {@code :domain} compares the domain and the
 * keys in lower case, since domains are compared without regard to case whatever the comparator.
 */
enum AddressPart {
    ALL, LOCALPART, DOMAIN;

    static final List<String> TAGS = List.of(":all", ":localpart", ":domain");

    private static final Map<String, AddressPart> BY_TAG = Map.of(":all", ALL, ":localpart", LOCALPART,
            ":domain", DOMAIN);

    /** The part the tags name, {@code :all} when none does. */
    static AddressPart of(ParsedArguments args) {
        for (String tag : args.tags().keySet()) {
            if (BY_TAG.containsKey(tag)) {
                return BY_TAG.get(tag);
            }
        }
        return ALL;
    }

    /** This part of the address with this local part and domain. */
    String of(String localPart, String domain) {
        return switch (this) {
            case ALL -> localPart + "@" + domain;
            case LOCALPART -> localPart;
            case DOMAIN -> domain.toLowerCase(Locale.ROOT);
        };
    }

    /** The keys as this part compares them. */
    List<String> keys(List<String> keys) {
        return this == DOMAIN ? keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList() : keys;
    }
}
