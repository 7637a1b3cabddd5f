package dev.procpool.it.batch;

import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A lazy {@code Iterable} of the longs {@code 0..size-1} that counts how many were taken and can be made to throw
 * when input {@code throwAt} is asked for (-1: never).
 */
final class CountingInputs implements Iterable<Long> {
    final AtomicLong taken = new AtomicLong();
    private final long size;
    private final long throwAt;

    CountingInputs(long size, long throwAt) {
        this.size = size;
        this.throwAt = throwAt;
    }

    CountingInputs(long size) {
        this(size, -1);
    }

    @Override
    public Iterator<Long> iterator() {
        return new Iterator<>() {
            private long next;

            @Override
            public boolean hasNext() {
                return next < size;
            }

            @Override
            public Long next() {
                if (next >= size) {
                    throw new NoSuchElementException();
                }
                if (next == throwAt) {
                    throw new IllegalStateException("the input source failed at " + next + ", as planned");
                }
                taken.incrementAndGet();
                return next++;
            }
        };
    }
}
