package dev.procpool.internal.executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's logger, under a stable public name that does not move with the internal classes:
 * {@code dev.procpool.pool} (workers that exit, start failures, the pool's own faults). Worker output goes to
 * {@code dev.procpool.worker.<id>} (see {@link OutputSinks}).
 */
final class PoolLog {
    static final Logger LOG = LoggerFactory.getLogger("dev.procpool.pool");

    private PoolLog() {
    }
}
