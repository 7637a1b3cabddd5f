package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes an out-of-band payload file, for the queues ({@link ChannelWriter}) and the lane ({@link LaneFiles}):
 * all of it, or none of it, and a full disk said as such. Any thread.
 */
final class PayloadFiles {
    private PayloadFiles() {
    }

    /**
     * Writes {@code payload} to the new file {@code name} in {@code folder} and returns the file as a payload;
     * {@code payload} stays the caller's.
     *
     * @throws NoSpaceLeftException having left no file behind, when the disk has too little space for it
     */
    static Payload write(Path folder, String name, Payload payload, DiskSpace space) throws IOException {
        space.require(payload.length());
        Path file = folder.resolve(name);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            if (payload.isInFile()) {
                try (InputStream in = payload.openStream(); OutputStream out = Channels.newOutputStream(channel)) {
                    in.transferTo(out);
                }
            } else {
                payload.writeTo(channel);
            }
            return Payload.inFile(file, payload.length());
        } catch (IOException | RuntimeException | Error e) {
            // a partial file (a full disk, a released buffer) would stay until the worker's folder is removed
            Files.deleteIfExists(file);
            if (e instanceof IOException && NoSpaceLeftException.isDiskFull(e) && !(e instanceof NoSpaceLeftException)) {
                throw NoSpaceLeftException.of(folder, folder.toFile().getUsableSpace(), payload.length(), e);
            }
            throw e;
        }
    }
}
