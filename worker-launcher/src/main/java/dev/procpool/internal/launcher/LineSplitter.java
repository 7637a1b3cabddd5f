package dev.procpool.internal.launcher;

import java.io.IOException;
import java.io.Reader;
import java.util.function.Consumer;

/**
 * Cuts a worker's output into lines as {@link java.io.BufferedReader#readLine} does ({@code \n}, {@code \r} or
 * {@code \r\n} ends a line), but never holds more than {@code maxChars} of one line: a longer line is handed on in
 * pieces of {@code maxChars}, each but the last ending with {@link #splitMarker}. A task that prints 200 MB as one
 * line then costs the parent a constant, not its heap. Used by one pump thread.
 */
final class LineSplitter {
    /** The longest piece of a line handed on by a worker's output pumps. */
    static final int DEFAULT_MAX_CHARS = 65_536;

    private final int maxChars;
    private final String marker;
    private final Consumer<String> sink;
    private final StringBuilder line;
    private final char[] buffer = new char[8192];
    /** The last character was a {@code \r}: a {@code \n} right after it ends no further line. */
    private boolean afterCr;

    LineSplitter(int maxChars, Consumer<String> sink) {
        if (maxChars < 2) {
            throw new IllegalArgumentException("maxChars must be >= 2, was " + maxChars);
        }
        this.maxChars = maxChars;
        this.marker = splitMarker(maxChars);
        this.sink = sink;
        this.line = new StringBuilder(Math.min(maxChars, 1024));
    }

    /** What ends every piece of a split line but the last. */
    static String splitMarker(int maxChars) {
        return " ... [line split: longer than " + maxChars + " chars]";
    }

    /** Reads {@code in} to its end, handing on every line; the last one even without a line terminator. */
    void pump(Reader in) throws IOException {
        int read;
        while ((read = in.read(buffer)) >= 0) {
            accept(buffer, read);
        }
        if (!line.isEmpty()) {
            emit();
        }
    }

    private void accept(char[] chars, int length) {
        int i = 0;
        if (afterCr && length > 0) {
            afterCr = false;
            if (chars[0] == '\n') {
                i = 1;
            }
        }
        while (i < length) {
            int end = i;
            while (end < length && chars[end] != '\n' && chars[end] != '\r') {
                end++;
            }
            append(chars, i, end - i);
            if (end == length) {
                return;
            }
            emit();
            if (chars[end] == '\r') {
                if (end + 1 == length) {
                    afterCr = true;
                } else if (chars[end + 1] == '\n') {
                    end++;
                }
            }
            i = end + 1;
        }
    }

    /** Appends a run without terminators, splitting when the line would pass {@code maxChars}. */
    private void append(char[] chars, int offset, int length) {
        while (length > 0) {
            if (line.length() == maxChars) {
                split();
            }
            int n = Math.min(length, maxChars - line.length());
            line.append(chars, offset, n);
            offset += n;
            length -= n;
        }
    }

    /** Hands on a full piece; a surrogate pair is never cut in two, so a piece may be one char short. */
    private void split() {
        char last = line.charAt(line.length() - 1);
        if (Character.isHighSurrogate(last)) {
            line.setLength(line.length() - 1);
            sink.accept(line.append(marker).toString());
            line.setLength(0);
            line.append(last);
        } else {
            sink.accept(line.append(marker).toString());
            line.setLength(0);
        }
    }

    private void emit() {
        sink.accept(line.toString());
        line.setLength(0);
    }
}
