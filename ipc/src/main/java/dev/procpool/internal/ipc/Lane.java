package dev.procpool.internal.ipc;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * The start-up lane: a Unix-domain socket between the parent and one worker that carries their messages until
 * both have opened their queues. Opening a Chronicle queue costs a JVM that has not done it yet a few hundred
 * milliseconds (its static set-up and some 1,500 classes); over the lane a new worker answers its first tasks
 * meanwhile, and a new parent JVM sends them before its own Chronicle is loaded. Each side opens its queues on a
 * thread of its own; the worker says when its are open ({@link Message.QueuesOpened}); once the parent's are
 * too, it ends the lane with {@link Message.SwitchChannels}, the worker answers {@link Message.ChannelsSwitched},
 * and from then on both use the queues ({@link SwitchingSource}, {@link SwitchingSink}). Nothing waits for a
 * queue to open: until both are, everything travels on the lane.
 *
 * <p>The socket file lies in the worker's folder, which only its owner may enter: who can connect is decided
 * by the folder's permissions, as for the queues. The parent offers a lane by making the file before it starts
 * the worker; a platform or path where that fails (a JDK or Windows without Unix-domain sockets, a path longer
 * than the socket address allows) gets no lane, and the worker opens its queues before its handshake, as it did
 * before the lane existed.
 *
 * <p>A payload too long for the lane's length field travels as a file in the worker's folder, named on the
 * lane ({@link LaneFiles}): a task or result never fails for having been sent before the switch.
 *
 * <p>After the switch the parent keeps its end open and reading: the worker's end becomes its doorbell. A
 * worker rings ({@link #ring}) after writing to its results queue when its parent asked for it before parking
 * ({@link WorkerActivityFile#wantRing}); the ring wakes the parent. A worker's reading thread ends at the
 * parent's last command, as nothing follows it.
 *
 * <p>Writes are serialised ({@link #write} from any thread); one daemon thread reads, keeps what it read for
 * {@link #poll}, and calls the listener after each message.
 */
public final class Lane implements MessageSink, MessageSource, AutoCloseable {
    /** The socket file's name in the worker's folder. */
    public static final String FILE_NAME = "lane";
    private static final int BUFFER_BYTES = 64 << 10;

    private final SocketChannel channel;
    private final LaneFiles files;
    private final DataOutputStream out;
    private final ConcurrentLinkedQueue<Message> received = new ConcurrentLinkedQueue<>();
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile FrameRefusedException refused;
    private volatile boolean closed;

    private Lane(SocketChannel channel, LaneFiles files) {
        this.channel = channel;
        this.files = files;
        this.out = new DataOutputStream(new BufferedOutputStream(new ChannelOut(channel), BUFFER_BYTES));
    }

    /**
     * The parent's offer of a lane to the worker whose folder is {@code folder}, or null when this platform or
     * path cannot have one (the worker then starts without).
     */
    public static Listener offer(Path folder) {
        Path file = folder.resolve(FILE_NAME).toAbsolutePath();
        ServerSocketChannel server = null;
        try {
            server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            server.bind(UnixDomainSocketAddress.of(file), 1);
            return new Listener(server, file, LaneFiles.of(folder, true));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            closeQuietly(server);
            return null;
        }
    }

    /** The worker's end of the lane its parent offered, or null when the parent offered none. */
    public static Lane connectIfOffered(Path folder) throws IOException {
        Path file = folder.resolve(FILE_NAME).toAbsolutePath();
        if (!Files.exists(file)) {
            return null;
        }
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            channel.connect(UnixDomainSocketAddress.of(file));
        } catch (IOException e) {
            closeQuietly(channel);
            throw new IOException("the parent offered a start-up lane at " + file + ", but it cannot be connected to: "
                    + e, e);
        }
        return new Lane(channel, LaneFiles.of(folder, false));
    }

    /**
     * Starts the reading thread; {@code onMessage} runs on it after each message is kept, and after each
     * {@link Message.Ring}, which is not kept. The thread reads until the lane ends, or, when {@code last} is not
     * null, until it has kept a message of that type: the lane then stays open for writing.
     */
    public void startReading(String threadName, Class<? extends Message> last, Runnable onMessage) {
        Thread thread = new Thread(() -> read(last, onMessage), threadName);
        thread.setDaemon(true);
        thread.start();
    }

    private void read(Class<? extends Message> last, Runnable onMessage) {
        DataInputStream in = new DataInputStream(new BufferedInputStream(new ChannelIn(channel), BUFFER_BYTES));
        boolean open = false;
        try {
            Message message;
            while ((message = LaneCodec.read(in, files)) != null) {
                if (!(message instanceof Message.Ring)) {
                    received.add(message);
                }
                onMessage.run();
                if (last != null && last.isInstance(message)) {
                    open = true;
                    return;
                }
            }
        } catch (FrameRefusedException e) {
            refused = e;
            onMessage.run();
        } catch (IOException e) {
            // closed by this side, or the other side is gone: its process exit says the rest
        } finally {
            if (!open) {
                close();
            }
            ended.complete(null);
        }
    }

    /**
     * The next message read, or null when there is none yet.
     *
     * @throws FrameRefusedException once every message before bytes that were no message has been taken
     */
    @Override
    public Message poll() {
        Message message = received.poll();
        if (message == null && refused != null) {
            throw refused;
        }
        return message;
    }

    /**
     * Completes when the reading thread has read the last message (the other side closed, or the message that
     * ends its reading came) or was stopped.
     */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /**
     * Writes {@code message}. Once the lane has ended (closed by this side, or its reader saw the other side
     * go), or a write fails because the other side is gone, the message is dropped and the lane closed: each
     * side learns of the other's end by its own means (the parent by the worker's exit, which gives back every
     * task sent to it and not answered; the worker by its control pipe), as a write to the queue of a process
     * that died does not fail either.
     *
     * <p>A payload of 2 GiB or more is written to a file first, and the lane carries its name ({@link LaneFiles}).
     *
     * @throws NoSpaceLeftException when such a payload does not fit on the disk; nothing is written then
     * @throws IOException          when such a payload cannot be written to its file; nothing is written then
     */
    @Override
    public synchronized void write(Message message) throws IOException {
        if (closed) {
            return;
        }
        String payloadFile = LaneCodec.spillIfTooLong(message, files);
        try {
            LaneCodec.write(message, out, payloadFile);
            out.flush();
        } catch (IOException e) {
            close();
        } catch (RuntimeException | Error e) { // a payload's file that cannot be read: the frame is cut short
            close();
            throw e;
        }
    }

    /**
     * Worker, after the switch: wakes the parent, which asked for a ring before it parked. Dropped, as any write,
     * once the lane has ended.
     */
    public void ring() throws IOException {
        write(new Message.Ring());
    }

    /** True once the lane is closed, by this side or because the other side went away. */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the socket; the reading thread then ends. Any thread, more than once. */
    @Override
    public void close() {
        closed = true;
        closeQuietly(channel);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing to tell anyone: the socket is going away either way
            }
        }
    }

    /** The parent's listening socket for one worker. */
    public static final class Listener implements AutoCloseable {
        private final ServerSocketChannel server;
        private final Path file;
        private final LaneFiles files;

        private Listener(ServerSocketChannel server, Path file, LaneFiles files) {
            this.server = server;
            this.file = file;
            this.files = files;
        }

        /**
         * Waits for the worker to connect. Close the listener to end the wait (when the worker exited first):
         * this then throws.
         */
        public Lane accept() throws IOException {
            return new Lane(server.accept(), files);
        }

        /** Stops listening and removes the socket file. Any thread, more than once. */
        @Override
        public void close() {
            closeQuietly(server);
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // the worker's folder goes with it
            }
        }
    }

    /**
     * Reads the channel directly: the JDK's own stream over a channel ({@code Channels.newInputStream}) holds the
     * channel's blocking lock while it waits, which would stop the other thread's writes.
     */
    private static final class ChannelIn extends InputStream {
        private final SocketChannel channel;

        ChannelIn(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            return length == 0 ? 0 : channel.read(ByteBuffer.wrap(bytes, offset, length));
        }
    }

    /** Writes the channel directly; see {@link ChannelIn}. */
    private static final class ChannelOut extends OutputStream {
        private final SocketChannel channel;

        ChannelOut(SocketChannel channel) {
            this.channel = channel;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) throws IOException {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
            while (buffer.hasRemaining()) {
                channel.write(buffer);
            }
        }
    }
}
