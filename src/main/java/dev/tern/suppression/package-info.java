/**
 * The suppression list: addresses of other domains that outbound mail is not sent to, because
 * their server refused them as nonexistent (a hard bounce) or an operator listed them, as cloud
 * sending services keep one to protect a sender's reputation (docs/suppressions.md).
 */
package dev.tern.suppression;
