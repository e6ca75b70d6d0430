package dev.tern.mailbox;

import java.util.List;

/**
 * What COPY or MOVE did: the source UIDs and the UIDs their copies got in the target, pairwise, in
 * ascending source order; what COPYUID reports (RFC 4315 §3). Both lists are empty when none of
 * the UIDs existed.
 */
public record CopyResult(long targetUidValidity, List<Long> sourceUids, List<Long> targetUids) {
}
