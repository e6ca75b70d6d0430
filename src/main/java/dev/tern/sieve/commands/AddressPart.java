package dev.tern.sieve.commands;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The ADDRESS-PART argument of {@code address} and {@code envelope} (RFC 5228 §2.7.4): which part
 * of an address is compared. As jSieve's tests did, {@code :domain} compares the domain and the
 * keys in lower case, since domains are compared without regard to case whatever the comparator.
 * The {@code subaddress} extension (RFC 5233) adds {@code :user} (the local part before the
 * recipient delimiter, all of it when there is none) and {@code :detail} (what follows the
 * delimiter; an address without one has no detail, which matches no key at all).
 */
enum AddressPart {
    ALL, LOCALPART, DOMAIN, USER, DETAIL;

    static final List<String> TAGS = List.of(":all", ":localpart", ":domain", ":user", ":detail");

    private static final Map<String, AddressPart> BY_TAG = Map.of(":all", ALL, ":localpart", LOCALPART,
            ":domain", DOMAIN, ":user", USER, ":detail", DETAIL);

    /** The part the tags name, {@code :all} when none does. */
    static AddressPart of(ParsedArguments args) {
        for (String tag : args.tags().keySet()) {
            if (BY_TAG.containsKey(tag)) {
                return BY_TAG.get(tag);
            }
        }
        return ALL;
    }

    /**
     * This part of the address with this local part and domain, or null when it has none.
     *
     * @param delimiter the recipient delimiter of plus addressing ({@code "+"}); "" when it is off,
     *                  and then no address has a detail
     */
    String of(String localPart, String domain, String delimiter) {
        int at = delimiter.isEmpty() ? -1 : localPart.indexOf(delimiter);
        return switch (this) {
            case ALL -> localPart + "@" + domain;
            case LOCALPART -> localPart;
            case DOMAIN -> domain.toLowerCase(Locale.ROOT);
            case USER -> at < 0 ? localPart : localPart.substring(0, at);
            case DETAIL -> at < 0 ? null : localPart.substring(at + delimiter.length());
        };
    }

    /** The keys as this part compares them. */
    List<String> keys(List<String> keys) {
        return this == DOMAIN ? keys.stream().map(k -> k.toLowerCase(Locale.ROOT)).toList() : keys;
    }
}
