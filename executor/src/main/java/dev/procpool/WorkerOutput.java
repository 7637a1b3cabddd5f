package dev.procpool;

/** Where the lines that workers print to stdout and stderr go. Each line is prefixed with its worker's id. */
public enum WorkerOutput {
    /** To this JVM's {@code System.out} and {@code System.err}, as {@code [procpool-worker-3] line}. The default. */
    PARENT_STREAMS,
    /** To the SLF4J logger {@code dev.procpool.worker.<id>}: stdout at INFO, stderr at WARN. */
    LOGGER,
    /** Nowhere (stderr lines are still kept for crash reports). */
    DISCARD
}
