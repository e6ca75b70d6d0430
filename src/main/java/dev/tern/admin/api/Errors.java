package dev.tern.admin.api;

import dev.tern.admin.auth.AdminAuthException;
import dev.tern.admin.http.ApiException;
import dev.tern.directory.DirectoryException;
import dev.tern.suppression.SuppressionException;

/**
 * The refusals of the services, as API errors: their messages are written for operators and carry
 * nothing internal, so they go out as they are.
 */
public final class Errors {

    private Errors() {
    }

    /** The API error for a refusal of a service, or null when {@code t} is not one. */
    public static ApiException translate(Throwable t) {
        if (t instanceof DirectoryException e) {
            return switch (e.kind()) {
                case NOT_FOUND -> ApiException.notFound(e.getMessage());
                case CONFLICT -> ApiException.conflict(e.getMessage());
                case INVALID -> ApiException.invalidField(e.getMessage());
            };
        }
        if (t instanceof AdminAuthException e) {
            return switch (e.kind()) {
                case NOT_FOUND -> ApiException.notFound(e.getMessage());
                case CONFLICT -> ApiException.conflict(e.getMessage());
                case INVALID -> ApiException.invalidField(e.getMessage());
            };
        }
        if (t instanceof SuppressionException e) {
            return ApiException.invalidField(e.getMessage());
        }
        return null;
    }
}
