package dev.tern.imap.protocol;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * THREAD's two algorithms (RFC 5256 §2.2 ORDEREDSUBJECT and REFERENCES), over what each message
 * says of itself, and the response's nested lists. Pure: the server gathers the messages.
 */
public final class Threads {

    private static final Pattern MSG_ID = Pattern.compile("<[^<>\\s]+>");

    /**
     * What threading reads of a message.
     *
     * @param number        what the response lists: its sequence number or UID
     * @param sequence      its sequence number: the order of messages with the same sent date
     * @param messageId     its Message-ID, or null when it has none
     * @param parents       the message ids it refers to, oldest first: References, else the first of In-Reply-To
     * @param subject       its base subject and whether it was marked a reply or forward
     * @param sentDate      the sent date, as SORT DATE reads it (epoch milliseconds)
     */
    public record Message(long number, long sequence, String messageId, List<String> parents,
                          BaseSubject.Result subject, long sentDate) {
    }

    /** A thread's node: a message, or (number 0) a dummy standing for a message not at hand. */
    public static final class Node {
        final Message message;
        Node parent;
        final List<Node> children = new ArrayList<>();

        Node(Message message) {
            this.message = message;
        }

        public long number() {
            return message == null ? 0 : message.number();
        }

        public List<Node> children() {
            return children;
        }

        boolean dummy() {
            return message == null;
        }

        /** A dummy's date is its first child's (§2.2 step 5). */
        Message dated() {
            Node n = this;
            while (n.dummy() && !n.children.isEmpty()) {
                n = n.children.get(0);
            }
            return n.message;
        }
    }

    private static final Comparator<Node> BY_DATE = Comparator
            .comparingLong((Node n) -> n.dated() == null ? Long.MAX_VALUE : n.dated().sentDate())
            .thenComparingLong(n -> n.dated() == null ? Long.MAX_VALUE : n.dated().sequence());

    private Threads() {
    }

    /** The message ids of a References or In-Reply-To value, in order. */
    public static List<String> messageIds(String value) {
        List<String> out = new ArrayList<>();
        Matcher m = MSG_ID.matcher(value == null ? "" : value);
        while (m.find()) {
            out.add(m.group());
        }
        return out;
    }

    // ---- ORDEREDSUBJECT ---------------------------------------------------------------------

    /**
     * §2.2 ORDEREDSUBJECT: messages grouped by base subject, each group in sent-date order under its
     * first message, the groups in the order of their first messages' dates.
     */
    public static List<Node> orderedSubject(List<Message> messages) {
        Map<String, List<Message>> bySubject = new LinkedHashMap<>();
        for (Message m : messages) {
            bySubject.computeIfAbsent(SortOrder.collationForm(m.subject().base()), k -> new ArrayList<>()).add(m);
        }
        List<Node> roots = new ArrayList<>();
        for (List<Message> group : bySubject.values()) {
            group.sort(Comparator.comparingLong(Message::sentDate).thenComparingLong(Message::sequence));
            Node root = new Node(group.get(0));
            for (Message m : group.subList(1, group.size())) {
                Node child = new Node(m);
                child.parent = root;
                root.children.add(child);
            }
            roots.add(root);
        }
        roots.sort(BY_DATE);
        return roots;
    }

    // ---- REFERENCES -------------------------------------------------------------------------

    /** §2.2 REFERENCES (Jamie Zawinski's algorithm, with the RFC's subject grouping and order). */
    public static List<Node> references(List<Message> messages) {
        // (1) one container per message id, messages linked under their last reference
        Map<String, Node> byId = new HashMap<>();
        List<Node> all = new ArrayList<>();
        for (Message m : messages) {
            String id = m.messageId();
            Node container = id == null ? null : byId.get(id);
            if (container == null || !container.dummy()) {
                container = new Node(m);     // no id, or a duplicate id: a message of its own
                if (id != null && !byId.containsKey(id)) {
                    byId.put(id, container);
                }
            } else {
                container = fill(container, m, byId, id);
            }
            all.add(container);
            Node previous = null;
            for (String ref : m.parents()) {
                Node r = byId.computeIfAbsent(ref, k -> {
                    Node dummy = new Node(null);
                    all.add(dummy);
                    return dummy;
                });
                if (previous != null && r.parent == null && r != previous
                        && (r.children.isEmpty() || !isAncestor(r, previous))) {
                    link(previous, r);
                }
                previous = r;
            }
            // A container without children is nobody's ancestor: no walk up the thread for it.
            if (previous != null && previous != container
                    && (container.children.isEmpty() || !isAncestor(container, previous))) {
                unlink(container);
                link(previous, container);
            }
        }
        // (2) the root set
        List<Node> roots = new ArrayList<>();
        for (Node n : all) {
            if (n.parent == null) {
                roots.add(n);
            }
        }
        // (4) dummies pruned
        roots = prune(roots);
        // (5) the root set by date (dummies by their first child)
        for (Node n : roots) {
            sortTree(n);
        }
        roots.sort(BY_DATE);
        // (6) roots with the same base subject together
        roots = groupBySubject(roots);
        // (7) every sibling set by date
        for (Node n : roots) {
            sortTree(n);
        }
        roots.sort(BY_DATE);
        return roots;
    }

    /** A dummy container that a later message turns out to be: the message takes its place. */
    private static Node fill(Node dummy, Message m, Map<String, Node> byId, String id) {
        Node real = new Node(m);
        real.parent = dummy.parent;
        if (dummy.parent != null) {
            List<Node> siblings = dummy.parent.children;
            siblings.set(siblings.indexOf(dummy), real);
        }
        for (Node c : dummy.children) {
            c.parent = real;
            real.children.add(c);
        }
        dummy.children.clear();
        dummy.parent = null;
        byId.put(id, real);
        return real;
    }

    /** Whether linking would close a loop; the links made so far never do, so the walk ends. */
    private static boolean isAncestor(Node maybeAncestor, Node of) {
        for (Node n = of; n != null; n = n.parent) {
            if (n == maybeAncestor) {
                return true;
            }
        }
        return false;
    }

    private static void link(Node parent, Node child) {
        child.parent = parent;
        parent.children.add(child);
    }

    private static void unlink(Node n) {
        if (n.parent != null) {
            n.parent.children.remove(n);
            n.parent = null;
        }
    }

    /**
     * Step 4: a dummy without children goes; a dummy with children gives way to them, except at
     * the root when it has more than one. Children before their parents, with an explicit walk:
     * a thread may be thousands of replies deep.
     */
    private static List<Node> prune(List<Node> roots) {
        List<Node> order = new ArrayList<>();
        java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>(roots);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            order.add(n);
            n.children.forEach(stack::push);
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            Node n = order.get(i);
            List<Node> kept = pruneLevel(n.children, false, n);
            n.children.clear();
            n.children.addAll(kept);
        }
        return pruneLevel(roots, true, null);
    }

    /** One set of siblings, whose own children are pruned already. */
    private static List<Node> pruneLevel(List<Node> level, boolean root, Node parent) {
        List<Node> out = new ArrayList<>();
        for (Node n : level) {
            if (!n.dummy() || (root && n.children.size() > 1)) {
                out.add(n);
            } else {
                for (Node c : n.children) {
                    c.parent = parent;
                    out.add(c);
                }
                n.children.clear();
            }
        }
        return out;
    }

    /** Every set of siblings by date, parents before children (a dummy's date is its first child's). */
    private static void sortTree(Node root) {
        java.util.ArrayDeque<Node> stack = new java.util.ArrayDeque<>();
        List<Node> order = new ArrayList<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Node n = stack.pop();
            order.add(n);
            n.children.forEach(stack::push);
        }
        for (int i = order.size() - 1; i >= 0; i--) {
            order.get(i).children.sort(BY_DATE);
        }
    }

    /** Step 6: roots whose (first) messages share a base subject are gathered under one. */
    private static List<Node> groupBySubject(List<Node> roots) {
        Map<String, Node> table = new HashMap<>();
        for (Node n : roots) {
            String subject = subjectKey(n);
            if (subject.isEmpty()) {
                continue;
            }
            Node old = table.get(subject);
            if (old == null || (n.dummy() && !old.dummy())
                    || (!old.dummy() && old.message.subject().replyOrForward()
                        && !n.dummy() && !n.message.subject().replyOrForward())) {
                table.put(subject, n);
            }
        }
        // Roots merged into another leave the root set; a root that a new dummy takes in is
        // replaced by that dummy where it stood.
        Set<Node> merged = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        Map<Node, Node> replacedBy = new java.util.IdentityHashMap<>();
        for (Node n : roots) {
            String subject = subjectKey(n);
            Node that = subject.isEmpty() ? null : table.get(subject);
            if (that == null || that == n) {
                continue;
            }
            if (that.dummy() && n.dummy()) {
                for (Node c : n.children) {
                    c.parent = that;
                    that.children.add(c);
                }
                n.children.clear();
            } else if (that.dummy() || (!n.dummy() && n.message.subject().replyOrForward()
                    && !that.message.subject().replyOrForward())) {
                link(that, n);
            } else {
                Node dummy = new Node(null);
                replacedBy.put(that, dummy);
                link(dummy, that);
                link(dummy, n);
                table.put(subject, dummy);
            }
            merged.add(n);
        }
        List<Node> out = new ArrayList<>();
        for (Node n : roots) {
            if (!merged.contains(n)) {
                out.add(replacedBy.getOrDefault(n, n));
            }
        }
        return out;
    }

    private static String subjectKey(Node n) {
        Message m = n.dummy() ? (n.children.isEmpty() ? null : n.children.get(0).message) : n.message;
        return m == null ? "" : SortOrder.collationForm(m.subject().base());
    }

    // ---- the response -----------------------------------------------------------------------

    /** {@code (2)(3 6 (4 23)(44 7 96))}: the THREAD response's threads (RFC 5256 §4). */
    public static String format(List<Node> roots) {
        StringBuilder b = new StringBuilder();
        for (Node n : roots) {
            b.append('(');
            members(b, n);
            b.append(')');
        }
        return b.toString();
    }

    private static void members(StringBuilder b, Node n) {
        if (n.dummy()) {
            // a dummy at the root: its children, each a thread of its own, nested
            for (Node c : n.children) {
                b.append('(');
                members(b, c);
                b.append(')');
            }
            return;
        }
        b.append(n.number());
        while (n.children.size() == 1) {
            n = n.children.get(0);
            b.append(' ').append(n.number());
        }
        if (n.children.size() > 1) {
            b.append(' ');
            for (Node c : n.children) {
                b.append('(');
                members(b, c);
                b.append(')');
            }
        }
    }
}
