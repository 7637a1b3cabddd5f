package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.TaskCancelled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A long-running pool must keep bounded disk use: the reader deletes the files of cycles it has read past.
 * Queues opened here roll every second ({@code TEST_SECONDLY}), so a few seconds show several cycles.
 */
class ChannelReaderCycleCleanupTest {
    @TempDir
    Path folder;

    private String previousRollCycle;

    @BeforeEach
    void rollEverySecond() {
        previousRollCycle = System.setProperty(Queues.ROLL_CYCLE_PROPERTY, "TEST_SECONDLY");
    }

    @AfterEach
    void restoreRollCycle() {
        if (previousRollCycle == null) {
            System.clearProperty(Queues.ROLL_CYCLE_PROPERTY);
        } else {
            System.setProperty(Queues.ROLL_CYCLE_PROPERTY, previousRollCycle);
        }
    }

    @Test
    void readerKeepsUp_acrossFourCycles_keepsAtMostTwoCycleFiles_andDeletesAllConsumedOnes() {
        try (Channel channel = Channel.open(folder)) {
            Set<String> cyclesSeen = new TreeSet<>();
            long[] taskId = {0};
            await("messages written across four cycles")
                    .atMost(Duration.ofSeconds(10))
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        channel.writer.write(new TaskCancelled(++taskId[0]));
                        assertEquals(new TaskCancelled(taskId[0]), channel.receive());
                        List<String> files = cycleFiles();
                        assertTrue(files.size() <= 2, () -> "cycle files on disk: " + files);
                        cyclesSeen.addAll(files);
                        return cyclesSeen.size() >= 4;
                    });

            await("the read cycles' files deleted").atMost(Duration.ofSeconds(10)).pollInSameThread()
                    .untilAsserted(() -> {
                        assertNull(channel.reader.poll());
                        assertEquals(1, cycleFiles().size(), () -> "cycle files on disk: " + cycleFiles());
                    });
            assertEquals(0, channel.reader.pendingCycleFiles());
        }
    }

    @Test
    void readerFallsBehind_keepsUnreadCycles_thenDeletesThemOnceReadPast() {
        try (Channel channel = Channel.open(folder)) {
            long[] written = {0};
            await("messages written across three cycles, none read")
                    .atMost(Duration.ofSeconds(10))
                    .pollInSameThread()
                    .pollInterval(Duration.ofMillis(20))
                    .until(() -> {
                        channel.writer.write(new TaskCancelled(++written[0]));
                        return cycleFiles().size() >= 3;
                    });
            List<String> unread = cycleFiles();

            for (long id = 1; id <= written[0]; id++) {
                assertEquals(new TaskCancelled(id), channel.receive());
                assertTrue(cycleFiles().contains(unread.get(unread.size() - 1)), "the newest cycle stays");
            }
            assertNull(channel.reader.poll());

            // Chronicle reports a cycle's file on its own thread, possibly after the reader has moved past that
            // cycle: the reader deletes it at its next poll after the report, as a pool's reader polls on
            await("the read cycles' files deleted").atMost(Duration.ofSeconds(10)).pollInSameThread()
                    .untilAsserted(() -> {
                        assertNull(channel.reader.poll());
                        assertEquals(List.of(unread.get(unread.size() - 1)), cycleFiles());
                    });
            assertEquals(0, channel.reader.pendingCycleFiles());
        }
    }

    private List<String> cycleFiles() {
        try (Stream<Path> files = Files.list(folder)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cq4")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
