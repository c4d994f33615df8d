package dev.storesync.kernel;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waiting, during shutdown, for a worker's work in progress to end. */
public final class Draining {

    private Draining() {
    }

    /**
     * Waits until {@code idle} holds or {@code timeout} passes; true when it holds. Blocks: only for
     * shutdown observers, which run on Quarkus's shutdown thread, never on an event loop.
     */
    public static boolean awaitIdle(BooleanSupplier idle, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!idle.getAsBoolean()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return idle.getAsBoolean();
            }
        }
        return true;
    }
}
