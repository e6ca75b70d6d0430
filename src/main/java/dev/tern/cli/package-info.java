/**
 * The {@code tern} command line (picocli). Administration commands open the store directly, so
 * they work whether or not the server runs. Errors are one line on standard error, exit status 1.
 */
package dev.tern.cli;
