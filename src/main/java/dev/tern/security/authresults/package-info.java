/**
 * The Authentication-Results header field (RFC 8601): written by the receiving checks with their
 * results, and removed from incoming messages when it claims to come from this server.
 */
package dev.tern.security.authresults;
