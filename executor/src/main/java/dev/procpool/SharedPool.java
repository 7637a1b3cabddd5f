package dev.procpool;

import dev.procpool.internal.executor.PoolConfig;

/**
 * The process-wide pool behind {@link ProcessPoolExecutor#shared(ProcessPoolBuilder)}: one at a time, resized in
 * place when only its size changes, replaced when anything else does. Thread-safe: every call holds the lock.
 */
final class SharedPool {
    private static final Object LOCK = new Object();
    private static ProcessPoolExecutor current; // guarded by LOCK

    private SharedPool() {
    }

    static ProcessPoolExecutor get(ProcessPoolBuilder builder) {
        PoolConfig config = builder.config(true);
        synchronized (LOCK) {
            ProcessPoolExecutor pool = current;
            if (pool != null && !pool.isShutdown()) {
                if (pool.config().sameExceptSize(config)) {
                    if (pool.workers() != config.workers()) {
                        pool.resize(config.workers());
                    }
                    return pool;
                }
                ProcessPoolExecutor next = builder.build(config);
                pool.replaceWith(next);
                current = next;
                return next;
            }
            current = builder.build(config);
            return current;
        }
    }
}
