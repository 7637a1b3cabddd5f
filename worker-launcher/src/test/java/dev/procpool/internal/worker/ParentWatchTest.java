package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.ControlCodec;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.StopNow;
import dev.procpool.internal.ipc.Message.Wake;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParentWatchTest {
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final long CHECK_NS = TimeUnit.MILLISECONDS.toNanos(5);

    /** Records what the watch tells the worker, in order. */
    private static final class Recorder implements ParentWatch.Listener {
        final List<String> heard = new CopyOnWriteArrayList<>();

        @Override
        public void cancel(long taskId, boolean interrupt) {
            heard.add("cancel " + taskId + (interrupt ? " interrupt" : ""));
        }

        @Override
        public void stopNow() {
            heard.add("stop now");
        }

        @Override
        public void wake() {
            heard.add("wake");
        }

        @Override
        public void parentGone(String why) {
            heard.add("gone: " + why);
        }
    }

    @Test
    void controlPipe_commandsThenEndOfFile_eachHandedOverThenParentGone() throws IOException {
        Recorder recorder = new Recorder();
        ParentWatch watch = new ParentWatch(pipeOf(new CancelTask(7, true), new CancelTask(8, false), new Wake(),
                new StopNow()), () -> true, CHECK_NS, recorder);

        watch.readControlPipe();

        assertEquals(List.of("cancel 7 interrupt", "cancel 8", "wake", "stop now", "gone: its control pipe closed"),
                recorder.heard);
    }

    @Test
    void controlPipe_garbage_treatedAsParentGone() {
        Recorder recorder = new Recorder();
        byte[] garbage = {99, 0, 0, 0, 0, 0, 0, 0, 0};
        ParentWatch watch = new ParentWatch(new ByteArrayInputStream(garbage), () -> true, CHECK_NS, recorder);

        watch.readControlPipe();

        assertEquals(List.of("gone: its control pipe closed"), recorder.heard);
    }

    @Test
    void parentProcess_diesWhilePipeStaysOpen_parentGoneOnce() throws IOException {
        Recorder recorder = new Recorder();
        AtomicBoolean parentAlive = new AtomicBoolean(true);
        PipedOutputStream parentEnd = new PipedOutputStream();
        InputStream workerEnd = new PipedInputStream(parentEnd);
        ParentWatch watch = new ParentWatch(workerEnd, parentAlive::get, CHECK_NS, recorder);
        watch.start();

        parentAlive.set(false);
        await("the watch to notice").atMost(BOUND).until(() -> !recorder.heard.isEmpty());
        parentEnd.close(); // now the pipe says so too, but the worker hears it only once

        await("the control thread to see end-of-file").atMost(BOUND).during(Duration.ofMillis(50))
                .until(() -> recorder.heard.size() == 1);
        assertEquals(List.of("gone: its parent process exited"), recorder.heard);
    }

    @Test
    void confirmGone_parentDeadBeforeTheWatchRan_reportsItNowAndOnce() throws IOException {
        Recorder recorder = new Recorder();
        ParentWatch watch = new ParentWatch(new PipedInputStream(new PipedOutputStream()), () -> false, CHECK_NS,
                recorder); // not started: its threads have not run yet, as on a busy machine

        assertTrue(watch.confirmGone(0));
        assertTrue(watch.confirmGone(0), "still gone");
        assertEquals(List.of("gone: its parent process exited"), recorder.heard, "told once");
    }

    @Test
    void confirmGone_parentAlive_falseAfterTheWait_nothingReported() throws IOException {
        Recorder recorder = new Recorder();
        ParentWatch watch = new ParentWatch(new PipedInputStream(new PipedOutputStream()), () -> true, CHECK_NS,
                recorder);

        assertFalse(watch.confirmGone(TimeUnit.MILLISECONDS.toNanos(30)));
        assertEquals(List.of(), recorder.heard);
    }

    private static InputStream pipeOf(Message.Command... commands) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Message.Command command : commands) {
            ControlCodec.write(command, out);
        }
        return new ByteArrayInputStream(bytes.toByteArray());
    }
}
