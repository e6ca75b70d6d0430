package dev.tern.mailbox;

/** Where an appended message went: what APPENDUID reports (RFC 4315 §3). */
public record AppendResult(long mailboxId, long uidValidity, long uid, long modSeq) {
}
