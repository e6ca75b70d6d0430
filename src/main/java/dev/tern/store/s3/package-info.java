/**
 * Message contents in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, …), which several
 * Tern nodes may share: {@code [store] blobs = "s3"}. Objects are named {@code prefix + id} and,
 * like every blob, written once and never changed.
 *
 * <p>Invariants: {@link dev.tern.store.BlobSink#commit} returns only after S3 acknowledged the
 * PutObject or CompleteMultipartUpload, so a content is durable before any row refers to it; a
 * content larger than {@link dev.tern.store.s3.S3BlobStore#MEMORY_LIMIT} is never held in memory
 * whole; {@code write} and {@code abort} never wait for the network, since they may run on an
 * event loop.
 *
 * <p>Security notes: ids are checked (letters, digits, {@code -}, {@code _}) before they become
 * keys, so no id reaches outside the prefix; credentials come from the configuration or the AWS
 * SDK's default chain and are never logged.
 */
package dev.tern.store.s3;
