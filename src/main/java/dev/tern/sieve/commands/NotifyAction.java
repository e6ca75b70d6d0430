package dev.tern.sieve.commands;

import org.apache.jsieve.mail.Action;

/**
 * A notification the script asked for (RFC 5435 §3): sent by delivery once the run succeeds.
 *
 * @param method     the method URI, a mailto: one (RFC 5436)
 * @param from       {@code :from}, or null
 * @param importance {@code :importance}: "1" high, "2" normal, "3" low
 * @param message    {@code :message}, or null for the default
 */
public record NotifyAction(String method, String from, String importance, String message) implements Action {
}
