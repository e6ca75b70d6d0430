package dev.tern.security.spf;

/**
 * Ends a check at once with TEMPERROR or PERMERROR, from however deep in the evaluation (an include
 * of an include, the address lookup of one MX host). Travels through the futures as their failure.
 */
final class SpfError extends RuntimeException {

    private final SpfResult result;

    SpfError(SpfResult result, String reason) {
        super(reason, null, false, false);
        this.result = result;
    }

    SpfResult result() {
        return result;
    }
}
