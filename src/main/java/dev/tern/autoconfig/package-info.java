/**
 * Mail client autoconfiguration, as pure functions of this server's host name and client
 * listeners ({@link dev.tern.config.ClientPorts}): the Thunderbird autoconfig file
 * ({@link dev.tern.autoconfig.ThunderbirdAutoconfig}) and the Microsoft Autodiscover POX response
 * ({@link dev.tern.autoconfig.Autodiscover}). No HTTP here: the listener that serves them (see
 * docs/autoconfig.md) maps routes to these functions and checks that the domain asked about is local.
 *
 * <p>Invariants: clients are told the listeners in order of preference (implicit TLS, then
 * STARTTLS; IMAP before POP3, RFC 8314), the server's real host name (the name on its
 * certificate), the email address as login name, and password authentication inside TLS only.
 * Security: request XML is parsed without DOCTYPEs or entities, and its size is bounded.
 */
package dev.tern.autoconfig;
