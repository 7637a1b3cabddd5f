package dev.procpool.internal.launcher;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A worker's output is cut into lines of bounded length, however long a line it prints. */
class LineSplitterTest {
    private static final int BOUND = 4096;
    private static final String MARKER = LineSplitter.splitMarker(BOUND);

    @Test
    void hugeLine_smallBound_handedOnInBoundedPiecesWithMarker_nothingLost() throws IOException {
        long hugeChars = 50_000_000;
        Reader in = new SequenceReader(new StringReader("before\n"), new RepeatingReader('x', hugeChars),
                new StringReader("\nafter\n"));
        List<String> firstAndLast = new ArrayList<>();
        long[] pieces = {0};
        long[] chars = {0};
        int[] longest = {0};
        new LineSplitter(BOUND, line -> {
            longest[0] = Math.max(longest[0], line.length());
            if (line.startsWith("x")) {
                pieces[0]++;
                boolean split = line.endsWith(MARKER);
                chars[0] += line.length() - (split ? MARKER.length() : 0);
                if (!split || pieces[0] == 1) {
                    firstAndLast.add(line.length() + (split ? " split" : " whole"));
                }
            } else {
                firstAndLast.add(line);
            }
        }).pump(in);

        assertEquals(BOUND + MARKER.length(), longest[0]);
        assertEquals(hugeChars, chars[0]);
        assertEquals((hugeChars + BOUND - 1) / BOUND, pieces[0]);
        assertEquals(List.of("before", (BOUND + MARKER.length()) + " split", hugeChars % BOUND + " whole", "after"),
                firstAndLast);
    }

    @Test
    void lineOfExactlyTheBound_notSplit() throws IOException {
        String line = "y".repeat(BOUND);
        assertEquals(List.of(line, "z"), split(new StringReader(line + "\nz"), BOUND));
    }

    @Test
    void splitMarker_saysWhy() {
        assertEquals(" ... [line split: longer than 65536 chars]", LineSplitter.splitMarker(65_536));
    }

    @Test
    void lineTerminators_anyReadSize_sameLinesAsBufferedReader() throws IOException {
        String text = "a\nb\r\nc\rd\r\r\ne\n\nf";
        List<String> expected = new BufferedReader(new StringReader(text)).lines().toList();
        assertEquals(expected, split(new StringReader(text), BOUND));
        assertEquals(expected, split(new OneCharAtATime(text), BOUND));
    }

    @Test
    void surrogatePairAtTheBound_neverCutInTwo() throws IOException {
        String text = "ab\uD83D\uDE00cd"; // a, b, an emoji as two chars, c, d
        assertEquals(List.of("ab" + LineSplitter.splitMarker(3), "\uD83D\uDE00c" + LineSplitter.splitMarker(3), "d"),
                split(new StringReader(text), 3));
    }

    @Test
    void outputTail_longLine_cutAndSaysHowMuch() {
        OutputTail tail = new OutputTail(2, 5);
        tail.add("first");
        tail.add("0123456789");
        tail.add("ok");
        assertEquals(List.of("01234 ... [5 more chars]", "ok"), tail.snapshot());
    }

    private static List<String> split(Reader in, int bound) throws IOException {
        List<String> lines = new ArrayList<>();
        new LineSplitter(bound, lines::add).pump(in);
        return lines;
    }

    /** {@code count} times the same char, made as it is read. */
    private static final class RepeatingReader extends Reader {
        private final char c;
        private long left;

        RepeatingReader(char c, long count) {
            this.c = c;
            this.left = count;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(length, left);
            Arrays.fill(buffer, offset, offset + n, c);
            left -= n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static final class SequenceReader extends Reader {
        private final List<Reader> readers;
        private int current;

        SequenceReader(Reader... readers) {
            this.readers = List.of(readers);
        }

        @Override
        public int read(char[] buffer, int offset, int length) throws IOException {
            while (current < readers.size()) {
                int n = readers.get(current).read(buffer, offset, length);
                if (n >= 0) {
                    return n;
                }
                current++;
            }
            return -1;
        }

        @Override
        public void close() {
        }
    }

    private static final class OneCharAtATime extends Reader {
        private final String text;
        private int next;

        OneCharAtATime(String text) {
            this.text = text;
        }

        @Override
        public int read(char[] buffer, int offset, int length) {
            if (next == text.length()) {
                return -1;
            }
            buffer[offset] = text.charAt(next++);
            return 1;
        }

        @Override
        public void close() {
        }
    }
}
