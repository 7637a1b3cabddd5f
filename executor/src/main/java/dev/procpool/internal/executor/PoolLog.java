package dev.procpool.internal.executor;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pool's logger, under a stable public name that does not move with the internal classes:
 * {@code dev.procpool.pool} (workers that exit, start failures, the pool's own faults, failed {@code execute()}
 * tasks, failing progress listeners). Worker output goes to {@code dev.procpool.worker.<id>} (see
 * {@link OutputSinks}). While a pool thread logs about a worker or a task, {@link PoolMdc} puts their ids in
 * the MDC.
 */
public final class PoolLog {
    /** The pool's logger name. */
    public static final String NAME = "dev.procpool.pool";
    /** The pool's logger. */
    public static final Logger LOG = LoggerFactory.getLogger(NAME);

    private PoolLog() {
    }
}
