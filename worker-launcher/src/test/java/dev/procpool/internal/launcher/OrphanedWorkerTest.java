package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.Queues;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A worker whose parent is gone exits by itself and removes its files. The operating system closes the control
 * pipe (the worker's stdin) when the parent dies, however it dies; here the test closes it. The worker is started
 * with a plain {@link ProcessBuilder} on the command {@link WorkerCommand} builds, since {@link WorkerProcess}
 * keeps the pipe open for as long as the parent lives.
 */
class OrphanedWorkerTest {
    @TempDir
    Path temp;

    private Process worker;

    @AfterEach
    void noChildProcessOutlivesTest() {
        if (worker != null) {
            worker.destroyForcibly();
        }
        ChildProcesses.awaitNoneAlive();
    }

    private Process startWorker(Path folder) throws IOException {
        Files.createDirectories(folder);
        WorkerSpec spec = WorkerSpec.ofCurrentJvm(List.of(), Map.of(), null, (id, stderr, line) -> { });
        worker = new ProcessBuilder(WorkerCommand.build(spec, 1, folder))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(temp.resolve("worker-1.stderr").toFile())
                .start();
        return worker;
    }

    @Test
    void controlPipeClosedAfterHandshake_workerExitsWithin2s_andDeletesItsFolder() throws Exception {
        Path poolFolder = temp.resolve("pool");
        Path folder = poolFolder.resolve("worker-1");
        Process process = startWorker(folder);
        // the parent's ends, held only until the handshake: a dead parent maps nothing
        try (ChannelWriter ignored = ChannelWriter.open(folder.resolve("tasks"));
             ChannelReader results = ChannelReader.open(folder.resolve("results"))) {
            Message ready = await("the handshake").atMost(RunningWorker.START_TIMEOUT).pollInSameThread()
                    .pollInterval(Duration.ofMillis(5)).until(results::poll, Objects::nonNull);
            assertEquals(new Message.WorkerReady(Message.PROTOCOL_VERSION, process.pid()), ready);
        } finally {
            Queues.releaseClosedQueues();
        }

        process.getOutputStream().close();

        await("the worker to exit").atMost(Duration.ofSeconds(2)).until(() -> !process.isAlive());
        assertEquals(0, process.exitValue(), () -> "stderr: " + String.join("\n", stderrLines()));
        assertEquals(List.of("procpool worker 1 exiting: its control pipe closed"), stderrLines());
        assertFalse(Files.exists(folder), () -> "left behind: " + listing(temp));
        assertFalse(Files.exists(poolFolder), "the pool folder, once empty, goes with its last worker");
    }

    @Test
    void controlPipeClosedDuringStartUp_workerExits_andDeletesItsFolder() throws Exception {
        Path folder = temp.resolve("pool").resolve("worker-1");
        Process process = startWorker(folder);

        process.getOutputStream().close();

        await("the worker to exit").atMost(RunningWorker.START_TIMEOUT).until(() -> !process.isAlive());
        assertEquals(0, process.exitValue(), () -> "stderr: " + stderrLines());
        assertFalse(Files.exists(folder), () -> "left behind: " + listing(temp) + "; stderr: " + stderrLines());
    }

    private List<String> stderrLines() {
        try {
            return Files.readAllLines(temp.resolve("worker-1.stderr"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of("<" + e + ">");
        }
    }

    private static List<String> listing(Path root) {
        try (var paths = Files.walk(root)) {
            return paths.map(p -> root.relativize(p).toString()).sorted().toList();
        } catch (IOException e) {
            return List.of("<" + e + ">");
        }
    }
}
