package dev.procpool.internal.worker;

import dev.procpool.internal.launcher.Platform;
import dev.procpool.internal.launcher.Platform.Os;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Reads this test JVM's own resident size the way a worker on this OS would, and the Unix way where ps exists. */
class ResidentMemoryTest {
    private static final long PID = ProcessHandle.current().pid();

    @Test
    void bytes_thisOs_readsAPlausibleSize() {
        long bytes = ResidentMemory.ofThisProcess().bytes();
        long heapCommitted = Runtime.getRuntime().totalMemory();
        assertTrue(bytes > 16L << 20, "a JVM holds more than 16 MiB resident, read " + bytes);
        assertTrue(bytes < 64L << 30, "read " + bytes);
        assertTrue(heapCommitted > 0);
    }

    @Test
    void bytes_psOnAUnix_agreesWithProcWithinAFewMegabytes() {
        assumeTrue(Platform.current() == Os.LINUX && Files.isExecutable(Path.of("/bin/ps")),
                "compares ps with /proc, which only Linux has");
        long fromPs = new ResidentMemory(Os.OTHER_UNIX, PID).bytes();
        long fromProc = new ResidentMemory(Os.LINUX, PID).bytes();
        assertTrue(fromPs > 0, "ps printed no size");
        assertTrue(Math.abs(fromPs - fromProc) < 64L << 20, "ps " + fromPs + " vs /proc " + fromProc);
    }

    @Test
    void bytes_commandFails_zeroSoOnlyTheHeapCounts() {
        assumeTrue(Platform.current() != Os.WINDOWS, "uses a pid no Unix gives out");
        assertEquals(0, new ResidentMemory(Os.OTHER_UNIX, Long.MAX_VALUE).bytes());
    }

    @Test
    void bytes_withinMaxAge_reusesTheReading() {
        assumeTrue(Platform.current() != Os.WINDOWS && Files.isExecutable(Path.of("/bin/ps")), "needs ps");
        ResidentMemory memory = new ResidentMemory(Os.MAC, PID);
        long first = memory.bytes();
        byte[] grow = new byte[32 << 20];
        java.util.Arrays.fill(grow, (byte) 1);
        assertEquals(first, memory.bytes(), "read again within " + Platform.residentSizeMaxAgeNs(Os.MAC) + " ns");
        assertTrue(grow[grow.length - 1] == 1);
    }
}
