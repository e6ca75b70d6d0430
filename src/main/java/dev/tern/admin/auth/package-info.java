/**
 * Who may use the admin listener: admin accounts ({@link dev.tern.admin.auth.AdminAccounts},
 * Argon2id passwords), console sessions ({@link dev.tern.admin.auth.AdminSessions}, stored so that
 * every node shares them), API tokens ({@link dev.tern.admin.auth.ApiTokens}, stored as SHA-256,
 * shown once), and what they may do ({@link dev.tern.admin.auth.Scope},
 * {@link dev.tern.admin.auth.Principal}: scopes and, for a tenant's token, the domains it is limited to).
 *
 * <p>Security notes: no session cookie or token is stored as given; a login for an unknown name
 * costs as much as one for a known name; secrets are compared in constant time. Nothing here
 * knows HTTP.
 */
package dev.tern.admin.auth;
