package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The payloads one side of a {@link Lane} cannot send inline (a length field holds at most 2 GiB, and a task's or
 * result's encoding can be longer): each is written to a file of its own in a folder of the sending side inside
 * the worker's folder, and the lane carries its name, as the queues do with theirs ({@link ChannelWriter}). The
 * reading side releases the payload as it would any other, which deletes the file; a file whose message was never
 * read goes with the worker's folder. Names read from the lane are checked as the queues' are
 * ({@link PayloadFileNames}). One per lane end; {@link #spill} runs under the lane's write lock.
 */
final class LaneFiles {
    /** Internal, for tests: payloads longer than this many bytes travel as files (default: those over 2 GiB). */
    static final String INLINE_MAX_PROPERTY = "procpool.internal.laneInlineMaxBytes";
    /** The largest array the JVM allocates, the bound of an inline payload. */
    static final long MAX_INLINE_BYTES = Integer.MAX_VALUE - 8;

    private final Path own;
    private final Path others;
    private final long inlineMax;
    private final DiskSpace space;
    private long spilled;

    private LaneFiles(Path own, Path others, long inlineMax) {
        this.own = own;
        this.others = others;
        this.inlineMax = inlineMax;
        this.space = new DiskSpace(own.getParent());
    }

    /** The files of the end of the lane in worker folder {@code folder} that is the parent's or the worker's. */
    static LaneFiles of(Path folder, boolean parentSide) {
        Path fromParent = folder.resolve("lane-from-parent");
        Path fromWorker = folder.resolve("lane-from-worker");
        long inlineMax = Math.min(MAX_INLINE_BYTES, Long.getLong(INLINE_MAX_PROPERTY, MAX_INLINE_BYTES));
        return parentSide ? new LaneFiles(fromParent, fromWorker, inlineMax)
                : new LaneFiles(fromWorker, fromParent, inlineMax);
    }

    /** Whether {@code payload} is too long to travel inline. */
    boolean mustSpill(Payload payload) {
        return payload.length() > inlineMax;
    }

    /**
     * Writes {@code payload} to a new file of this side's and returns the file's name; {@code payload} stays the
     * caller's.
     *
     * @throws NoSpaceLeftException having left no file behind, when the disk has too little space for it
     */
    String spill(Payload payload) throws IOException {
        Files.createDirectories(own);
        String name = PayloadFileNames.name(++spilled);
        PayloadFiles.write(own, name, payload, space);
        return name;
    }

    /**
     * The other side's payload file {@code name}, {@code length} bytes long.
     *
     * @throws FrameRefusedException when {@code name} is no name procpool makes, or {@code length} is negative
     */
    Payload read(String name, long length) {
        if (length < 0) {
            throw new FrameRefusedException("the lane claims a payload file of " + length + " bytes");
        }
        return Payload.inFile(PayloadFileNames.resolve(others, name), length);
    }
}
