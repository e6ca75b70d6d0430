/**
 * HTTP machinery of the admin listener on Netty: the server and its limits
 * ({@link dev.tern.admin.http.ApiServer}: request line 8 KiB, header fields 16 KiB, body size from
 * the config, idle timeout, keep-alive, one request at a time per connection), the route table with
 * {@code {param}} patterns ({@link dev.tern.admin.http.RouteTable}), the dispatcher that
 * authenticates and authorizes before a handler runs ({@link dev.tern.admin.http.Dispatcher}),
 * strict JSON ({@link dev.tern.admin.http.Json}), JSON errors
 * ({@link dev.tern.admin.http.ApiException}), static files, and the OpenAPI 3.1 document made from
 * the routes ({@link dev.tern.admin.http.OpenApi}).
 *
 * <p>Invariants: handlers never run on an event loop; every answer, errors included, is JSON
 * (except files and metrics); an exception that is not an {@code ApiException} or a known refusal
 * is logged with the request id and answered 500 without its text.
 *
 * <p>Standards: HTTP/1.1 (RFC 9110, RFC 9112), cookies (RFC 6265, SameSite), OpenAPI 3.1 with
 * JSON Schema 2020-12.
 */
package dev.tern.admin.http;
