package dev.procpool.internal.worker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownNoiseTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final ShutdownNoise handler = new ShutdownNoise(new PrintStream(printed, true, StandardCharsets.UTF_8));

    /** What Chronicle's background thread dies of when its class failed to initialise during the shutdown. */
    private static Throwable chronicleDuringShutdown() {
        ExceptionInInitializerError init = new ExceptionInInitializerError(
                new IllegalStateException("Shutdown in progress"));
        NoClassDefFoundError thrown = new NoClassDefFoundError(
                "Could not initialize class net.openhft.chronicle.core.io.BackgroundResourceReleaser");
        thrown.initCause(init);
        return thrown;
    }

    @Test
    void failuresCausedByTheShutdownAreDropped() {
        handler.uncaughtException(new Thread("background~resource~releaser"), chronicleDuringShutdown());
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void otherFailuresArePrintedAsTheJvmWould() {
        handler.uncaughtException(new Thread("task-helper"), new IllegalArgumentException("a task's own bug"));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Exception in thread \"task-helper\" java.lang.IllegalArgumentException: a task's own bug"),
                text);
    }

    @Test
    void causedByShutdown_looksThroughTheCauses() {
        assertTrue(ShutdownNoise.causedByShutdown(chronicleDuringShutdown()));
        assertTrue(ShutdownNoise.causedByShutdown(new ExceptionInInitializerError(
                new IllegalStateException("Shutdown in progress"))));
        assertFalse(ShutdownNoise.causedByShutdown(new ExceptionInInitializerError(new IllegalStateException("other"))));
        assertFalse(ShutdownNoise.causedByShutdown(new RuntimeException((String) null)));
    }
}
