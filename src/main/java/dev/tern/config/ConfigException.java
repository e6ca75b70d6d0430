package dev.tern.config;

/** A configuration error, worded for the person who edits the file: it names the key and the problem. */
public class ConfigException extends RuntimeException {
    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
