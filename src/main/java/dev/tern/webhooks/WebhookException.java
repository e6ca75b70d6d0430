package dev.tern.webhooks;

/** A refusal of the webhook service, with a message written for the operator (it goes out as it is). */
public final class WebhookException extends IllegalArgumentException {

    /** What kind of refusal: the API answers 400, 404 and 409. */
    public enum Kind {
        INVALID,
        NOT_FOUND,
        CONFLICT
    }

    private final Kind kind;

    public WebhookException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    static WebhookException invalid(String message) {
        return new WebhookException(Kind.INVALID, message);
    }

    static WebhookException notFound(String id) {
        return new WebhookException(Kind.NOT_FOUND, "no such webhook: " + id);
    }
}
