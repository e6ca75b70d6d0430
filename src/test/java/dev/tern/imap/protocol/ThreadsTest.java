package dev.tern.imap.protocol;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ThreadsTest {

    private final List<Threads.Message> messages = new ArrayList<>();

    /** Message n (sequence n), sent at minute {@code minute}. */
    private void add(long n, String id, String references, String subject, long minute) {
        messages.add(new Threads.Message(n, n, id, Threads.messageIds(references), BaseSubject.analyze(subject),
                minute * 60_000));
    }

    private String references() {
        return Threads.format(Threads.references(messages));
    }

    private String orderedSubject() {
        return Threads.format(Threads.orderedSubject(messages));
    }

    @Test
    void repliesHangUnderWhatTheyReplyTo() {
        add(1, "<a@x>", "", "lunch", 1);
        add(2, "<b@x>", "<a@x>", "Re: lunch", 2);
        add(3, "<c@x>", "<a@x> <b@x>", "Re: lunch", 3);
        add(4, "<d@x>", "<a@x>", "Re: lunch", 4);
        add(5, "<e@x>", "", "other", 0);
        assertThat(references()).isEqualTo("(5)(1 (2 3)(4))");
    }

    @Test
    void aMissingParentIsADummyThatGivesWayUnlessItHoldsSeveral() {
        // 1 and 2 answer a message that is not here: they stay together under a dummy at the root.
        add(1, "<b@x>", "<a@x>", "Re: plan", 2);
        add(2, "<c@x>", "<a@x>", "Re: plan", 3);
        // 3 answers another missing one alone: no dummy, 3 is a root.
        add(3, "<y@x>", "<z@x>", "Re: other", 1);
        assertThat(references()).isEqualTo("(3)((1)(2))");
    }

    @Test
    void aMessageArrivingAfterItsRepliesTakesItsPlaceAboveThem() {
        add(1, "<b@x>", "<a@x>", "Re: plan", 2);
        add(2, "<a@x>", "", "plan", 1);
        assertThat(references()).isEqualTo("(2 1)");
    }

    @Test
    void rootsWithTheSameBaseSubjectAreGathered() {
        add(1, "<a@x>", "", "report", 1);
        add(2, "<b@x>", "", "Re: report", 2);       // no References, but the subject says it answers 1
        add(3, "<c@x>", "", "REPORT", 3);           // the same subject, not a reply: siblings under a dummy
        assertThat(references()).isEqualTo("((1 2)(3))");
    }

    @Test
    void loopsAndDuplicateIdsDoNotBreakIt() {
        add(1, "<a@x>", "<b@x>", "x", 1);
        add(2, "<b@x>", "<a@x>", "y", 2);           // would make a loop: stays a root
        add(3, "<a@x>", "", "z", 3);                // a duplicate id: a message of its own
        add(4, null, "", "w", 4);                   // no id at all
        assertThat(references()).isEqualTo("(2 1)(3)(4)");
    }

    @Test
    void aThreadTensOfThousandsOfRepliesDeepIsNoProblem() {
        int depth = 50_000;
        add(1, "<m0@x>", "", "long", 0);
        for (int i = 1; i < depth; i++) {
            // Each reply names only its parent: the chain is built link by link.
            add(i + 1, "<m" + i + "@x>", "<m" + (i - 1) + "@x>", "Re: long", i);
        }
        add(depth + 1, "<dangling@x>", "<missing1@x> <missing2@x>", "other", depth + 1);
        String threads = references();
        assertThat(threads).startsWith("(1 2 3 4 ").endsWith(" " + depth + ")(" + (depth + 1) + ")");
    }

    @Test
    void aDeepThreadWhoseRepliesCameFirstToo() {
        int depth = 50_000;
        for (int i = depth - 1; i >= 1; i--) {
            add(depth - i, "<m" + i + "@x>", "<m" + (i - 1) + "@x>", "Re: long", i);
        }
        add(depth, "<m0@x>", "", "long", 0);
        String threads = references();
        assertThat(threads).startsWith("(" + depth + " " + (depth - 1) + " " + (depth - 2) + " ").endsWith(" 1)");
    }

    @Test
    void orderedSubjectPutsEachSubjectUnderItsFirstMessage() {
        add(1, "<a@x>", "", "beta", 5);
        add(2, "<b@x>", "", "alpha", 1);
        add(3, "<c@x>", "", "Re: alpha", 3);
        add(4, "<d@x>", "", "Fwd: alpha", 2);
        add(5, "<e@x>", "", "Re: beta", 6);
        assertThat(orderedSubject()).isEqualTo("(2 (4)(3))(1 5)");
    }

    @Test
    void messageIdsAreReadFromFieldValues() {
        assertThat(Threads.messageIds(" <a@x>\r\n\t<b@y> junk <c@z>")).containsExactly("<a@x>", "<b@y>", "<c@z>");
        assertThat(Threads.messageIds("")).isEmpty();
        assertThat(Threads.messageIds(null)).isEmpty();
    }

    @Test
    void aSubjectMarkedAsReplyIsKnownAsSuch() {
        assertThat(BaseSubject.analyze("Re: x").replyOrForward()).isTrue();
        assertThat(BaseSubject.analyze("x (fwd)").replyOrForward()).isTrue();
        assertThat(BaseSubject.analyze("[Fwd: x]").replyOrForward()).isTrue();
        assertThat(BaseSubject.analyze("[list] x").replyOrForward()).isFalse();
        assertThat(BaseSubject.analyze("  x  ").replyOrForward()).isFalse();
    }
}
