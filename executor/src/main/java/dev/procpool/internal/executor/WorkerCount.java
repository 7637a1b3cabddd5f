package dev.procpool.internal.executor;

/** How many working (non-spare) workers a pool wants right now. A pure function, so that it is unit-tested. */
final class WorkerCount {
    private WorkerCount() {
    }

    /**
     * @param windingDown true once the pool stops, or is shut down with nothing left waiting: it wants none
     * @param onDemand    true with an idle timeout: workers start for waiting tasks and retire when idle
     * @param maxWorkers  the pool's size
     * @param minWorkers  kept running even when idle (with an idle timeout)
     * @param active      workers starting or serving now
     * @param busy        of those, the ones running tasks
     * @param waiting     tasks waiting for a worker
     */
    static int wanted(boolean windingDown, boolean onDemand, int maxWorkers, int minWorkers, int active, int busy,
                      int waiting) {
        if (windingDown) {
            return 0;
        }
        if (!onDemand) {
            return maxWorkers;
        }
        // never fewer than the minimum or than those running now (idle ones retire on their own timer),
        // more only as far as tasks wait, and never more than the pool's size
        int keep = Math.max(minWorkers, Math.min(active, maxWorkers));
        return Math.min(maxWorkers, Math.max(keep, busy + waiting));
    }

    /**
     * How many more workers may be launched now. Until the pool's first worker has answered its handshake, at
     * most as many as the processors start at once, and one fewer (at least one) while this JVM is new to
     * procpool: JVMs starting side by side share the processors with each other, and in a new JVM also with the
     * parent's own first-time class loading, and on a machine with few processors the pool's first task would
     * wait for all of them. On 2 cores, a new JVM's first result came 267 -> 328 ms later with both workers
     * launched at once; in a JVM that has run a pool before, 130 -> 169 ms, but both workers were up 284 -> 208
     * ms, so there they start together. From the first handshake on, as many as wanted start at once.
     *
     * @param firstUp    a worker of this pool has answered its handshake
     * @param warmParent a worker of an earlier pool in this JVM has answered its handshake
     * @param processors the processors this JVM may use
     * @param launching  workers launched and not yet past their handshake
     */
    static int launchable(boolean firstUp, boolean warmParent, int processors, int launching) {
        if (firstUp) {
            return Integer.MAX_VALUE;
        }
        int atOnce = warmParent ? processors : processors - 1;
        return Math.max(0, Math.max(1, atOnce) - launching);
    }
}
