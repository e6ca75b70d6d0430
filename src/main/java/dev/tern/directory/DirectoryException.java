package dev.tern.directory;

/** A refused directory change (unknown domain, duplicate account…), worded for the operator. */
public class DirectoryException extends RuntimeException {
    public DirectoryException(String message) {
        super(message);
    }
}
