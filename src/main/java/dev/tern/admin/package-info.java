/**
 * The admin listener ({@code [listeners] admin}): an HTTP/1.1 API over the same services as the
 * command line, the web console's files, and the metrics endpoint, in the server's own process.
 * {@link dev.tern.admin.AdminApi} puts it together; {@link dev.tern.admin.http} is the HTTP
 * machinery (routing, JSON, errors, OpenAPI), {@link dev.tern.admin.auth} who may call it (admin
 * accounts, sessions, API tokens, scopes), {@link dev.tern.admin.api} the built-in resources.
 *
 * <p>Extension points: other packages add routes with
 * {@link dev.tern.server.TernServer#withAdminRoutes} (a {@link dev.tern.admin.http.RouteGroup}
 * made over the started services), give the text of {@code /metrics} with
 * {@link dev.tern.server.TernServer#withMetrics}, and put console files under
 * {@code admin/console/} on the class path.
 *
 * <p>Security notes: loopback by default; a listener on another address without TLS is warned
 * about. Every route declares who may call it and the router checks it before the handler runs;
 * sessions need a CSRF token for changes; errors never carry exception text. See
 * {@code docs/admin-api.md} and {@code docs/adr/0014-admin-api.md}.
 */
package dev.tern.admin;
