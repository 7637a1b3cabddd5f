package dev.procpool.it;

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
 * Finds a worker's frames in its queue files, to damage them the way a disk, a bug or a task could. Walks the
 * Chronicle documents as they lie on disk: each starts with a four-byte header (bit 31: not complete, bit 30:
 * metadata, bits 0-29: length) at a four-byte aligned position; a frame starts with its type byte (procpool's
 * {@code FrameDescriptor}: type:1 | taskId:8 | checksum:4 | body).
 */
final class QueueFiles {
    static final int NOT_COMPLETE = 0x80000000;
    static final int META_DATA = 0x40000000;
    static final int LENGTH_MASK = 0x3FFFFFFF;
    /** FrameDescriptor.RUN_TASK. */
    static final byte RUN_TASK = 1;
    /** FrameDescriptor.TASK_ID_OFFSET. */
    static final int TASK_ID_OFFSET = 1;

    /** One frame: where its document header is, how long the frame is, and its type. */
    record Frame(Path file, long headerAt, int length, byte type) {
        long frameAt() {
            return headerAt + 4;
        }
    }

    private QueueFiles() {
    }

    /** The queue's cycle files in {@code folder}. */
    static List<Path> cycleFiles(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".cq4")).sorted().toList();
        }
    }

    /** The RUN_TASK frames in the tasks queue of {@code workerFolder}, in order. */
    static List<Frame> runTaskFrames(Path workerFolder) throws IOException {
        List<Frame> frames = new ArrayList<>();
        for (Path file : cycleFiles(workerFolder.resolve("tasks"))) {
            for (Frame frame : frames(file)) {
                if (frame.type() == RUN_TASK) {
                    frames.add(frame);
                }
            }
        }
        return frames;
    }

    /** The data documents of one file, in order; stops at the first empty or incomplete header. */
    static List<Frame> frames(Path file) throws IOException {
        List<Frame> frames = new ArrayList<>();
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            long at = 0;
            while (at + 5 <= channel.size()) {
                int header = readInt(channel, at);
                if (header == 0 || (header & NOT_COMPLETE) != 0) {
                    break;
                }
                int length = header & LENGTH_MASK;
                if ((header & META_DATA) == 0 && length > 0) {
                    ByteBuffer type = ByteBuffer.allocate(1);
                    channel.read(type, at + 4);
                    frames.add(new Frame(file, at, length, type.get(0)));
                }
                at = (at + 4 + length + 3) & ~3L;
            }
        }
        return frames;
    }

    private static int readInt(FileChannel channel, long at) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(4).order(ByteOrder.nativeOrder());
        channel.read(buffer, at);
        return buffer.getInt(0);
    }

    static void writeInt(Path file, long at, int value) throws IOException {
        write(file, at, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(0, value).array());
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
