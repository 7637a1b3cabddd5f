package dev.procpool.internal.ipc;

import java.util.ArrayList;
import java.util.List;

/**
 * The JVM flags Chronicle Queue needs, in one place: the launcher gives them to workers, {@link ChronicleAccess}
 * names the missing ones in a parent, and the JMH benchmarks' {@code @Fork} annotations reference the constants.
 * The parent pom's {@code procpool.parentJvmFlags} (and its jdk22/jdk23 profiles) cannot reference Java, so a
 * unit test holds them equal to these. Pure constants and functions, any thread.
 */
public final class ChronicleFlags {
    /** Chronicle reflects into {@code java.lang.reflect} to reach private members. */
    public static final String OPEN_REFLECT = "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED";
    /** Chronicle maps files through {@code sun.nio.ch.FileChannelImpl.map0}. */
    public static final String EXPORT_NIO_CHANNELS = "--add-exports=java.base/sun.nio.ch=ALL-UNNAMED";
    /** Chronicle unmaps through {@code jdk.internal.ref.Cleaner}. */
    public static final String EXPORT_INTERNAL_REF = "--add-exports=java.base/jdk.internal.ref=ALL-UNNAMED";
    /** From JDK 22 on, silences the warning about native access; JDK 17 accepts it too, but has no need. */
    public static final String ENABLE_NATIVE_ACCESS = "--enable-native-access=ALL-UNNAMED";
    /** From JDK 23 on, silences the warning about {@code sun.misc.Unsafe}; JDK 17 refuses to start with it. */
    public static final String ALLOW_UNSAFE_MEMORY_ACCESS = "--sun-misc-unsafe-memory-access=allow";
    public static final int NATIVE_ACCESS_FROM_JDK = 22;
    public static final int UNSAFE_MEMORY_ACCESS_FROM_JDK = 23;

    /** What every JVM that opens a queue needs, whatever its version; without them queues fail to map files. */
    public static final List<String> REQUIRED = List.of(OPEN_REFLECT, EXPORT_NIO_CHANNELS, EXPORT_INTERNAL_REF);

    private ChronicleFlags() {
    }

    /**
     * The flags for a JVM of the given feature version: {@link #REQUIRED}, plus the ones that only silence
     * warnings on the JDKs that know them.
     */
    public static List<String> forJavaVersion(int javaFeatureVersion) {
        List<String> flags = new ArrayList<>(REQUIRED);
        if (javaFeatureVersion >= NATIVE_ACCESS_FROM_JDK) {
            flags.add(ENABLE_NATIVE_ACCESS);
        }
        if (javaFeatureVersion >= UNSAFE_MEMORY_ACCESS_FROM_JDK) {
            flags.add(ALLOW_UNSAFE_MEMORY_ACCESS);
        }
        return flags;
    }
}
