package dev.procpool.internal.worker;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShutdownNoiseTest {
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final AtomicBoolean leaving = new AtomicBoolean();
    private final ShutdownNoise handler = new ShutdownNoise(leaving::get,
            new PrintStream(printed, true, StandardCharsets.UTF_8));

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
    void whileLeaving_failuresCausedByTheShutdownAreDropped() {
        leaving.set(true);
        handler.uncaughtException(new Thread("background~resource~releaser"), chronicleDuringShutdown());
        assertEquals("", printed.toString(StandardCharsets.UTF_8));
    }

    @Test
    void whileLeaving_otherFailuresArePrintedAsTheJvmWould() {
        leaving.set(true);
        handler.uncaughtException(new Thread("task-helper"), new IllegalArgumentException("a task's own bug"));
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.startsWith("Exception in thread \"task-helper\" java.lang.IllegalArgumentException: a task's own bug"),
                text);
    }

    @Test
    void notLeaving_evenShutdownFailuresArePrinted() {
        handler.uncaughtException(new Thread("background~resource~releaser"), chronicleDuringShutdown());
        String text = printed.toString(StandardCharsets.UTF_8);
        assertTrue(text.contains("Could not initialize class") && text.contains("Shutdown in progress"), text);
    }
}
