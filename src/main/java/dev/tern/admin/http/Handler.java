package dev.tern.admin.http;

/**
 * What a route does. Runs on the admin API's worker threads, never on an event loop, so it may
 * block on the store. Throws {@link ApiException} to answer with an error; anything else it throws
 * is answered with 500 and logged.
 */
@FunctionalInterface
public interface Handler {
    ApiResponse handle(ApiRequest request) throws Exception;
}
