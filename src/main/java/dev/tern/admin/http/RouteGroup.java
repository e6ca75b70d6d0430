package dev.tern.admin.http;

/**
 * A set of routes that a package adds to the admin API, for example
 * {@code table -> table.get("/api/things", "List things").scope(Scope.THINGS_READ).response(ThingList.class)
 * .handle(request -> ApiResponse.ok(list()))}.
 */
@FunctionalInterface
public interface RouteGroup {
    void register(RouteTable table);
}
