package dev.tern.config;

/** TCP port numbers written in the config file. */
final class PortNumbers {

    private PortNumbers() {
    }

    /** {@code text} as a port from 1 to 65535, or an error naming {@code key}. */
    static int parse(String key, String text) {
        try {
            int p = Integer.parseInt(text);
            if (p > 0 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new ConfigException(key + ": \"" + text + "\" is not a port number (1-65535)");
    }
}
