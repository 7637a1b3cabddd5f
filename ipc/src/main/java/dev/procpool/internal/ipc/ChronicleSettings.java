package dev.procpool.internal.ipc;

/**
 * Silences Chronicle before any of its classes load: no usage analytics (it phones home by default), no
 * banner, no performance chatter. Also selects Chronicle's no-op POSIX layer: the default one initialises
 * jnr-ffi, which generates code at run time (about 360 classes and 100 ms or more of every JVM's first queue
 * open), and procpool's queues use none of its calls. Called from the static initialisers of the classes
 * through which every queue is opened, so it runs first in the parent and in every worker.
 */
public final class ChronicleSettings {
    private ChronicleSettings() {
    }

    static {
        setDefault("chronicle.analytics.disable", "true");
        setDefault("chronicle.announcer.disable", "true");
        setDefault("disable.perf.info", "true");
        setDefault("chronicle.disk.monitor.disable", "true");
        setDefault("disable.resource.warning", "true");
        try {
            net.openhft.posix.PosixAPI.useNoOpPosixApi();
        } catch (LinkageError e) {
            // an older Chronicle without the switch: it loads its usual POSIX layer
        }
    }

    /** Idempotent; the work happens once, in the static initialiser. */
    public static void apply() {
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
