package dev.procpool.internal.executor;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CrashReportsTest {
    @Test
    void killedFromOutside_killTermIntHup_notTheWorkersOwnCrashes() {
        for (String signal : new String[] {"SIGKILL", "SIGTERM", "SIGINT", "SIGHUP", "STATUS_CONTROL_C_EXIT"}) {
            assertTrue(CrashReports.killedFromOutside(signal), signal);
        }
        for (String signal : new String[] {"SIGSEGV", "SIGABRT", "SIGBUS", "STATUS_ACCESS_VIOLATION"}) {
            assertFalse(CrashReports.killedFromOutside(signal), signal);
        }
        assertFalse(CrashReports.killedFromOutside(null), "a plain exit code");
    }
}
