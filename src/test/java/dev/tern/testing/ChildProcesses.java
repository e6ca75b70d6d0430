package dev.tern.testing;

import java.util.concurrent.TimeUnit;

/** Stopping the daemons tests start (redis-server, unbound): politely, then by force. */
final class ChildProcesses {

    private ChildProcesses() {
    }

    /** SIGTERM, ten seconds to go, then SIGKILL. */
    static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
