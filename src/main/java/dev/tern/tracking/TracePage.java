package dev.tern.tracking;

import java.util.List;

/**
 * One page of a search, newest message first.
 *
 * @param nextCursor pass it as {@link TraceQuery#cursor()} for the next page; null on the last page
 */
public record TracePage(List<TracedMessage> messages, String nextCursor) {

    public TracePage {
        messages = List.copyOf(messages);
    }
}
