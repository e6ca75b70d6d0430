/**
 * Message header handling with Apache James Mime4j (RFC 5322, RFC 2047 encoded words).
 */
package dev.tern.message;
