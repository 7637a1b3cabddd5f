package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.CapturedOutput;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/**
 * Keeps what a task prints for its answer, when the task was sent with output capture on. Installed once, as the
 * worker starts, in front of {@code System.out} and {@code System.err}: every write still goes to the worker's own
 * stream (the parent logs it with the worker's prefix, and a worker that dies mid-task still shows what it printed
 * last), and while a capturing task runs it is also kept: the first {@link CapturedOutput#MAX_BYTES_PER_STREAM}
 * bytes of each stream, the rest only counted. Every thread's prints count while the task runs, those of threads
 * it started included; what any thread prints after the task ended is not kept.
 *
 * <p>Any thread that prints calls the streams; {@link #begin}, {@link #end} and {@link #cut} are called by the
 * task thread.
 */
public final class OutputCapture {
    /** The capture of the running task, or null when none is asked for. */
    private static volatile Buffer current;
    private static Charset outCharset = Charset.defaultCharset();
    private static Charset errCharset = Charset.defaultCharset();

    private OutputCapture() {
    }

    /** Puts the capturing streams in front of {@code System.out} and {@code System.err}; main thread, once. */
    static void install() {
        outCharset = charsetOf("stdout.encoding", "sun.stdout.encoding");
        errCharset = charsetOf("stderr.encoding", "sun.stderr.encoding");
        System.setOut(new PrintStream(new Tee(System.out, true), true, outCharset));
        System.setErr(new PrintStream(new Tee(System.err, false), true, errCharset));
    }

    /** The charset the JDK gave the stream: {@code stdout.encoding} from JDK 18 on, else the default. */
    private static Charset charsetOf(String property, String jdk17Property) {
        String name = System.getProperty(property, System.getProperty(jdk17Property));
        try {
            return name == null ? Charset.defaultCharset() : Charset.forName(name);
        } catch (IllegalArgumentException unknown) {
            return Charset.defaultCharset();
        }
    }

    /** Starts keeping what is printed, for the task about to run. */
    static void begin() {
        current = new Buffer();
    }

    /** Stops keeping what is printed; returns what was printed since {@link #begin} or the last {@link #cut}. */
    static CapturedOutput end() {
        Buffer buffer = current;
        current = null;
        return buffer == null ? null : buffer.take();
    }

    /**
     * What was printed since the task began or since the last cut, and starts anew with a fresh bound: a batch
     * chunk calls it after each of its inputs, so that each input gets its own output.
     *
     * @return the output so far, or null when the running task does not capture its output
     */
    public static CapturedOutput cut() {
        Buffer buffer = current;
        return buffer == null ? null : buffer.take();
    }

    /** One capture: both streams' first bytes and the count of those past the bound. Guarded by itself. */
    private static final class Buffer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private final ByteArrayOutputStream err = new ByteArrayOutputStream();
        private long omitted;

        synchronized void append(boolean stdout, byte[] bytes, int offset, int length) {
            ByteArrayOutputStream kept = stdout ? out : err;
            int room = Math.max(0, CapturedOutput.MAX_BYTES_PER_STREAM - kept.size());
            int keep = Math.min(room, length);
            kept.write(bytes, offset, keep);
            omitted += length - keep;
        }

        synchronized CapturedOutput take() {
            CapturedOutput taken = new CapturedOutput(out.toString(outCharset), err.toString(errCharset), omitted);
            out.reset();
            err.reset();
            omitted = 0;
            return taken;
        }
    }

    /** Writes through to the worker's stream and, while a task captures, into its buffer. */
    private static final class Tee extends OutputStream {
        private final PrintStream stream;
        private final boolean stdout;

        Tee(PrintStream stream, boolean stdout) {
            this.stream = stream;
            this.stdout = stdout;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] bytes, int offset, int length) {
            stream.write(bytes, offset, length);
            Buffer buffer = current;
            if (buffer != null) {
                buffer.append(stdout, bytes, offset, length);
            }
        }

        @Override
        public void flush() {
            stream.flush();
        }
    }
}
