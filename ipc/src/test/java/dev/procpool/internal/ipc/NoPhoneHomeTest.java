package dev.procpool.internal.ipc;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class NoPhoneHomeTest {
    @Test
    void chronicleAnalytics_isNotOnTheClassPath() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("net.openhft.chronicle.analytics.Analytics"));
    }

    @Test
    void chronicleSettings_disableAnalyticsAndBanner_beforeChronicleLoads() {
        ChronicleSettings.apply();
        assertEquals("true", System.getProperty("chronicle.analytics.disable"));
        assertEquals("true", System.getProperty("chronicle.announcer.disable"));
    }
}
