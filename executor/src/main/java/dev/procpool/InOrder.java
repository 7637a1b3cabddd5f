package dev.procpool;

import java.util.Arrays;

/**
 * The outcomes of an ordered batch that are known but not yet delivered, by input index: a ring of slots from the
 * next index to deliver, growing as needed up to the batch's window (which bounds how far ahead of the next
 * delivery an outcome can be). Replaces a map from boxed index to outcome, which cost an allocation and a hash
 * per input. Used by the batch's consuming thread only.
 */
final class InOrder<V> {
    private Object[] slots = new Object[64];
    /** The index {@link #takeNext()} returns next. */
    private long next;

    /** Holds {@code value} for {@code index}, which must be at or after the next index to take. */
    void put(long index, V value) {
        long ahead = index - next;
        if (ahead < 0) {
            throw new IllegalArgumentException("index " + index + " was already taken (next is " + next + ")");
        }
        while (ahead >= slots.length) {
            grow();
        }
        slots[slot(index)] = value;
    }

    /** The value for the next index and moves past it; null (not moving) if it is not known yet. */
    @SuppressWarnings("unchecked")
    V takeNext() {
        int slot = slot(next);
        Object value = slots[slot];
        if (value != null) {
            slots[slot] = null;
            next++;
        }
        return (V) value;
    }

    void clear() {
        Arrays.fill(slots, null);
    }

    private int slot(long index) {
        return (int) (index & (slots.length - 1));
    }

    private void grow() {
        Object[] bigger = new Object[slots.length * 2];
        for (int i = 0; i < slots.length; i++) { // each value moves to its slot in the bigger ring
            long index = next + i;
            bigger[(int) (index & (bigger.length - 1))] = slots[slot(index)];
        }
        slots = bigger;
    }
}
