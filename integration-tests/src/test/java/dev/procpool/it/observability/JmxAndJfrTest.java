package dev.procpool.it.observability;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.WorkerCrashedException;
import dev.procpool.it.NoLeakedWorkers;
import dev.procpool.it.fixtures.HaltingTask;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The pool's MXBean on the platform MBean server, and its flight-recorder events in a real recording. */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(120)
class JmxAndJfrTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path temp;

    @Test
    void mxBean_isRegisteredWithThePoolsFigures_andUnregisteredOnClose() throws Exception {
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        ObjectName name = new ObjectName("dev.procpool:type=ProcessPool,name=jmx-test");
        try (ProcessPoolExecutor pool = Pools.quiet(2).name("jmx-test").build()) {
            // registered once the workers are up, not in build(): that start slowed the workers'
            await("registered as " + name).atMost(BOUND).until(() -> server.isRegistered(name));
            for (int i = 0; i < 7; i++) {
                int n = i;
                assertEquals(n, pool.submit((SerializableCallable<Integer>) () -> n).get(BOUND.toSeconds(), TimeUnit.SECONDS));
            }
            assertEquals(7L, server.getAttribute(name, "CompletedTasks"));
            assertEquals(2, server.getAttribute(name, "Workers"));
            assertEquals("jmx-test", server.getAttribute(name, "Name"));
            await("both workers idle").atMost(BOUND).until(() -> (int) server.getAttribute(name, "IdleWorkers") == 2);
            assertEquals(0L, server.getAttribute(name, "QueuedTasks"));

            try (ProcessPoolExecutor second = Pools.quiet(1).name("jmx-test").build()) {
                await("a second open pool of the same name gets its own").atMost(BOUND)
                        .until(() -> server.isRegistered(new ObjectName("dev.procpool:type=ProcessPool,name=jmx-test-2")));
            }
        }
        assertFalse(server.isRegistered(name), "unregistered when the pool terminated");
    }

    @Test
    void flightRecorder_recordsTaskExecutionsWorkerStartsAndACrash() throws Exception {
        Path file = temp.resolve("pool.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.procpool.TaskExecution");
            recording.enable("dev.procpool.WorkerStart");
            recording.enable("dev.procpool.WorkerExit");
            recording.start();
            try (ProcessPoolExecutor pool = Pools.quiet(1).spareWorkers(0).build()) {
                for (int i = 0; i < 5; i++) {
                    int n = i;
                    assertEquals(n, pool.submit((SerializableCallable<Integer>) () -> n).get(BOUND.toSeconds(), TimeUnit.SECONDS));
                }
                ExecutionException crash = assertThrows(ExecutionException.class, () -> pool.submit(
                        new HaltingTask(temp.resolve("started"), 0, "bye", 5)).get(BOUND.toSeconds(), TimeUnit.SECONDS));
                assertInstanceOf(WorkerCrashedException.class, crash.getCause());
                assertEquals(9, pool.submit((SerializableCallable<Integer>) () -> 9).get(BOUND.toSeconds(), TimeUnit.SECONDS));
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> tasks = named(events, "dev.procpool.TaskExecution");
        assertEquals(7, tasks.size(), "one per task: " + tasks);
        assertEquals(6, tasks.stream().filter(e -> "completed".equals(e.getString("outcome"))).count());
        assertEquals(1, tasks.stream().filter(e -> "crashed".equals(e.getString("outcome"))).count());
        assertTrue(tasks.stream().allMatch(e -> e.getInt("workerId") > 0 && e.getLong("workerPid") > 0));

        List<RecordedEvent> starts = named(events, "dev.procpool.WorkerStart");
        assertEquals(2, starts.size(), "the worker and its replacement: " + starts);
        assertTrue(starts.stream().allMatch(e -> e.getLong("spawnNs") > 0 && e.getLong("handshakeNs") > 0
                && e.getDuration().compareTo(Duration.ZERO) > 0), starts::toString);

        List<RecordedEvent> exits = named(events, "dev.procpool.WorkerExit");
        assertEquals(1, exits.stream().filter(e -> "CRASHED".equals(e.getString("kind")) && e.getInt("exitCode") == 5).count(),
                exits::toString);
        assertEquals(1, exits.stream().filter(e -> "RETIRED".equals(e.getString("kind"))).count(), exits::toString);
    }

    /**
     * The pool does not start JFR when no recording runs (it cost 200 ms of its start), so its event classes may be
     * loaded before JFR starts: a recording begun on an open pool must still get its events.
     */
    @Test
    void flightRecorder_startedOnAnOpenPool_recordsItsEvents() throws Exception {
        Path file = temp.resolve("late.jfr");
        ProcessPoolExecutor pool = Pools.quiet(1).spareWorkers(0).build();
        try (Recording recording = new Recording()) {
            try {
                assertEquals(1, pool.submit((SerializableCallable<Integer>) () -> 1).get(BOUND.toSeconds(), TimeUnit.SECONDS));
                recording.enable("dev.procpool.TaskExecution");
                recording.enable("dev.procpool.WorkerStart");
                recording.enable("dev.procpool.WorkerExit");
                recording.start();
                assertEquals(2, pool.submit((SerializableCallable<Integer>) () -> 2).get(BOUND.toSeconds(), TimeUnit.SECONDS));
                ExecutionException crash = assertThrows(ExecutionException.class, () -> pool.submit(
                        new HaltingTask(temp.resolve("late-started"), 0, "bye", 5)).get(BOUND.toSeconds(), TimeUnit.SECONDS));
                assertInstanceOf(WorkerCrashedException.class, crash.getCause());
                assertEquals(3, pool.submit((SerializableCallable<Integer>) () -> 3).get(BOUND.toSeconds(), TimeUnit.SECONDS));
            } finally {
                pool.close(); // an event is committed as the scheduler thread finishes with it: all of them by now
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        List<RecordedEvent> tasks = named(events, "dev.procpool.TaskExecution");
        assertEquals(3, tasks.size(), "the tasks sent while recording: " + tasks);
        assertEquals(1, tasks.stream().filter(e -> "crashed".equals(e.getString("outcome"))).count(), tasks::toString);
        assertEquals(1, named(events, "dev.procpool.WorkerStart").size(), "the replacement's start: " + events);
        List<RecordedEvent> exits = named(events, "dev.procpool.WorkerExit");
        assertEquals(1, exits.stream().filter(e -> "CRASHED".equals(e.getString("kind"))).count(), exits::toString);
        assertEquals(1, exits.stream().filter(e -> "RETIRED".equals(e.getString("kind"))).count(), exits::toString);
    }

    private static List<RecordedEvent> named(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }
}
