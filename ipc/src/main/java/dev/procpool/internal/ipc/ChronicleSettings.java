package dev.procpool.internal.ipc;

/**
 * Silences Chronicle before any of its classes load: no usage analytics (it phones home by default), no
 * banner, no performance chatter. Called from the static initialisers of the two classes through which every
 * queue is opened, so it runs first in the parent and in every worker.
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
