package dev.tern.sieve.commands;

import org.apache.jsieve.Argument;
import org.apache.jsieve.Arguments;
import org.apache.jsieve.Block;
import org.apache.jsieve.NumberArgument;
import org.apache.jsieve.SieveContext;
import org.apache.jsieve.TagArgument;
import org.apache.jsieve.commands.optional.Vacation;
import org.apache.jsieve.exception.SieveException;
import org.apache.jsieve.mail.Action;
import org.apache.jsieve.mail.MailAdapter;
import org.apache.jsieve.mail.optional.ActionVacation;

import java.util.ArrayList;
import java.util.List;

/**
 * jSieve's {@code vacation} (RFC 5230), with the references in its strings expanded when it runs
 * (RFC 5229 §3), before jSieve reads them, and with {@code :seconds} (RFC 6131), which jSieve does
 * not know: the tag and its number are taken out before jSieve reads the rest, and the action it
 * adds is replaced by one that carries the seconds ({@link VacationSeconds}).
 */
public final class VacationCommand extends Vacation {

    @Override
    public Object execute(MailAdapter mail, Arguments arguments, Block block, SieveContext context)
            throws SieveException {
        Arguments expanded = RunState.of(mail, context).variables().expand(arguments);
        List<Argument> rest = new ArrayList<>();
        Long seconds = null;
        List<Argument> list = expanded.getArgumentList();
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i) instanceof TagArgument tag && tag.getTag().equalsIgnoreCase(":seconds")) {
                if (i + 1 >= list.size() || !(list.get(i + 1) instanceof NumberArgument n)) {
                    throw context.getCoordinate().syntaxException("the tag :seconds needs a number");
                }
                seconds = n.getInteger().longValue();
                i++;
            } else {
                rest.add(list.get(i));
            }
        }
        Object result = super.execute(mail, new Arguments(rest, expanded.getTestList()), block, context);
        if (seconds != null) {
            List<Action> actions = mail.getActions();
            Action last = actions.isEmpty() ? null : actions.get(actions.size() - 1);
            if (last instanceof ActionVacation v) {
                actions.set(actions.size() - 1, new VacationSeconds(v, seconds));
            }
        }
        return result;
    }
}
