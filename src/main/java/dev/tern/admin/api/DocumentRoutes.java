package dev.tern.admin.api;

import dev.tern.admin.auth.Scope;
import dev.tern.admin.http.Access;
import dev.tern.admin.http.ApiResponse;
import dev.tern.admin.http.OpenApi;
import dev.tern.admin.http.RouteGroup;
import dev.tern.admin.http.RouteTable;

import java.util.function.Supplier;

/**
 * What describes and watches the server: {@code /api/openapi.json}, made from the route table at
 * each request (so it lists routes other packages added too), and {@code /metrics}, the text of a
 * supplier given at start (Prometheus' text format).
 *
 * <p>{@code /metrics} is open to clients connected from a loopback address (a Prometheus on the same
 * host needs no token); from elsewhere it needs the {@code settings:read} scope. A reverse proxy on
 * the same host makes every request look local: such a proxy must not pass {@code /metrics} on.
 */
public final class DocumentRoutes implements RouteGroup {

    /** Prometheus' text exposition format. */
    public static final String METRICS_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final Supplier<String> metrics;
    private final String version;

    /** @param metrics the text of {@code /metrics}; called at each request */
    public DocumentRoutes(Supplier<String> metrics, String version) {
        this.metrics = metrics;
        this.version = version;
    }

    @Override
    public void register(RouteTable table) {
        table.get("/api/openapi.json", "This API, described in OpenAPI 3.1").access(Access.anyone())
                .handle(r -> ApiResponse.ok(OpenApi.document(table, version)));
        table.get("/metrics", "Metrics in Prometheus' text format").access(Access.loopbackOr(Scope.SETTINGS_READ))
                .tag("metrics").produces(METRICS_TYPE)
                .handle(r -> ApiResponse.text(200, METRICS_TYPE, metrics.get()));
    }
}
