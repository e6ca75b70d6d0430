package dev.tern.admin.auth;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * What a caller of the admin API may do. {@link #ADMIN} allows everything; a {@code :write} scope
 * also allows the {@code :read} scope of the same resource.
 */
public enum Scope {
    ADMIN("admin"),
    DOMAINS_READ("domains:read"),
    DOMAINS_WRITE("domains:write"),
    ACCOUNTS_READ("accounts:read"),
    ACCOUNTS_WRITE("accounts:write"),
    QUEUE_READ("queue:read"),
    QUEUE_WRITE("queue:write"),
    TRACKING_READ("tracking:read"),
    CREDENTIALS_READ("credentials:read"),
    CREDENTIALS_WRITE("credentials:write"),
    WEBHOOKS_READ("webhooks:read"),
    WEBHOOKS_WRITE("webhooks:write"),
    SUPPRESSIONS_READ("suppressions:read"),
    SUPPRESSIONS_WRITE("suppressions:write"),
    ACCESS_READ("access:read"),
    ACCESS_WRITE("access:write"),
    SETTINGS_READ("settings:read");

    private final String wireName;

    Scope(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in tokens, JSON and the command line, e.g. {@code accounts:write}. */
    public String wireName() {
        return wireName;
    }

    /** True when holding this scope allows what {@code needed} allows. */
    public boolean covers(Scope needed) {
        if (this == needed || this == ADMIN) {
            return true;
        }
        return wireName.endsWith(":write") && needed.wireName.endsWith(":read")
                && resource().equals(needed.resource());
    }

    private String resource() {
        return wireName.substring(0, wireName.indexOf(':') < 0 ? wireName.length() : wireName.indexOf(':'));
    }

    public static Optional<Scope> parse(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(s -> s.wireName.equals(n)).findFirst();
    }

    /** Every scope name, for error messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(Scope::wireName).toList());
    }

    @Override
    public String toString() {
        return wireName;
    }
}
