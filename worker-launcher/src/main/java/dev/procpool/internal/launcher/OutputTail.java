package dev.procpool.internal.launcher;

import java.util.ArrayDeque;
import java.util.List;

/**
 * The last lines a worker wrote to one of its output streams (stderr or stdout), kept for crash reports. Written
 * by that stream's pump thread, read by anyone.
 */
final class OutputTail {
    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();

    OutputTail(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(String line) {
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
