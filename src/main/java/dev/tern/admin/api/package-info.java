/**
 * The built-in resources of the admin API: sessions, tokens, domains (with their DNS records),
 * accounts, aliases, the queue, delivery records and hourly statistics, the suppression list,
 * health, the OpenAPI document and metrics. Each is a
 * {@link dev.tern.admin.http.RouteGroup} over the services the command line uses
 * ({@link dev.tern.admin.api.ApiServices}), so both act through the same code.
 *
 * <p>Tenants: a token limited to domains sees only their resources; another domain's resource
 * answers 404 exactly as one that does not exist ({@code Tenancy}).
 */
package dev.tern.admin.api;
