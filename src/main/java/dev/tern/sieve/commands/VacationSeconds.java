package dev.tern.sieve.commands;

import org.apache.jsieve.mail.Action;
import org.apache.jsieve.mail.optional.ActionVacation;

/**
 * A vacation action whose period is given in seconds ({@code :seconds}, RFC 6131), which jSieve's
 * vacation action, counting in days, cannot hold: its action with the seconds beside it.
 *
 * @param vacation jSieve's action, with every other parameter
 * @param seconds  the period; 0 for a reply to every message (each still subject to RFC 5230's
 *                 rules: none to lists, to automatic mail, or to a sender not addressing the user)
 */
public record VacationSeconds(ActionVacation vacation, long seconds) implements Action {
}
