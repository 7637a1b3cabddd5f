package dev.procpool.internal.launcher;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines a worker wrote to one of its output streams (stderr or stdout), kept for crash reports: at most
 * {@code capacity} lines of at most {@code maxLineChars} each (a longer line is cut, and says by how much), so a
 * worker's output costs the parent a bounded amount whatever it prints. Written by that stream's pump thread,
 * read by anyone.
 */
final class OutputTail {
    private final int capacity;
    private final int maxLineChars;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    OutputTail(int capacity, int maxLineChars) {
        this.capacity = capacity;
        this.maxLineChars = maxLineChars;
    }

    synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(cut(line, maxLineChars));
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }

    static String cut(String line, int maxChars) {
        if (line.length() <= maxChars) {
            return line;
        }
        return line.substring(0, maxChars) + " ... [" + (line.length() - maxChars) + " more chars]";
    }
}
