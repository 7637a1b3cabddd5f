package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.Payload;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

import static org.awaitility.Awaitility.await;

/**
 * Both ends of one queue folder in this JVM, as the parent and a worker hold them in two processes. Closing it
 * closes both queues and lets Chronicle unmap them, so that {@code @TempDir} can delete the folder.
 */
final class Channel implements AutoCloseable {
    final Path folder;
    final ChannelWriter writer;
    final ChannelReader reader;

    private Channel(Path folder) {
        this.folder = folder;
        this.writer = ChannelWriter.open(folder);
        this.reader = ChannelReader.open(folder);
    }

    static Channel open(Path folder) {
        return new Channel(folder);
    }

    /** The next message; fails the test when none arrives within five seconds. */
    Message receive() {
        return await("a message in " + folder)
                .atMost(Duration.ofSeconds(5))
                .pollInSameThread()
                .pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1))
                .until(reader::poll, Objects::nonNull);
    }

    static Payload payloadOf(byte[] bytes) {
        return Payload.of(bytes);
    }

    @Override
    public void close() {
        try {
            reader.close();
        } finally {
            writer.close();
            Queues.releaseClosedQueues();
        }
    }
}
