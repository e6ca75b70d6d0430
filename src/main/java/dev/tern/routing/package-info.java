/**
 * Routing: a pure function from a recipient to where its copy goes next (local mailboxes or a
 * remote domain). Local domains never leave the server.
 */
package dev.tern.routing;
