package dev.tern.routing;

/** Where one recipient's copy of a message goes next. */
public sealed interface Route {

    /** Into mailboxes on this server. */
    record Local() implements Route {
    }

    /** To another server, found by the recipient domain's MX records. */
    record Remote(String domain) implements Route {
    }
}
