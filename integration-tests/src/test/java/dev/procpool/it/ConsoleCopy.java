package dev.procpool.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.Charset;

/** A copy of what the parent prints: a stream that writes to the original and to a buffer, for System.setOut/Err. */
public final class ConsoleCopy {
    private ConsoleCopy() {
    }

    /** A stream that writes everything to {@code original} and to {@code copy} (guarded by {@code copy}). */
    public static PrintStream tee(PrintStream original, ByteArrayOutputStream copy) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (copy) {
                    copy.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (copy) {
                    copy.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true, Charset.defaultCharset());
    }

    /** What {@code copy} holds so far, as text. */
    public static String text(ByteArrayOutputStream copy) {
        synchronized (copy) {
            return copy.toString(Charset.defaultCharset());
        }
    }
}
