package dev.procpool.internal.ipc;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Finds procpool's frames in a Chronicle queue file by walking its documents as they lie on disk: each starts
 * with a four-byte header (bit 31: not complete, bit 30: metadata, bits 0-29: length), at a four-byte aligned
 * position. What a test needs to corrupt a given frame the way a disk, a bug or a task could.
 */
final class QueueFileDocuments {
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;

    /** One data document: where its header is, and how long its frame is. */
    record Document(Path file, long headerAt, int length) {
        long frameAt() {
            return headerAt + 4;
        }
    }

    private QueueFileDocuments() {
    }

    /** The queue's one cycle file in {@code folder}. */
    static Path cycleFile(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).findFirst().orElseThrow();
        }
    }

    /** The data documents (frames) in the file, in order; stops at the first empty or incomplete header. */
    static List<Document> frames(Path file) throws IOException {
        List<Document> frames = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = 0;
            while (at + 4 <= channel.size()) {
                int header = readInt(channel, at);
                if (header == 0 || (header & NOT_COMPLETE) != 0) {
                    break;
                }
                int length = header & LENGTH_MASK;
                if ((header & META_DATA) == 0) {
                    frames.add(new Document(file, at, length));
                }
                at = (at + 4 + length + 3) & ~3L;
            }
        }
        return frames;
    }

    static int readInt(FileChannel channel, long at) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        channel.read(buffer, at);
        return buffer.getInt(0);
    }

    static void writeInt(Path file, long at, int value) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value), at);
        }
    }

    static byte[] read(Path file, long at, int length) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer buffer = ByteBuffer.allocate(length);
            channel.read(buffer, at);
            return buffer.array();
        }
    }

    static void write(Path file, long at, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), at);
        }
    }
}
