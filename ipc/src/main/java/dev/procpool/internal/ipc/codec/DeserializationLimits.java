package dev.procpool.internal.ipc.codec;

import java.io.ObjectInputFilter;

/**
 * The limits every JDK object stream procpool reads is held to, so that a corrupted or hostile payload cannot
 * exhaust the reading JVM: how deep its object graph may nest, how long an array it may claim, and how many
 * objects it may make. Whatever the limits, an array may not claim more elements, nor the stream more objects,
 * than the payload has bytes (each takes at least one), so a length read from a damaged stream is refused before
 * anything of that size is allocated. Immutable; any thread.
 *
 * @param maxDepth       the deepest an object graph may nest
 * @param maxArrayLength the most elements one array may have
 * @param maxReferences  the most objects and references one value may hold
 */
public record DeserializationLimits(long maxDepth, long maxArrayLength, long maxReferences) {
    /**
     * The pool's defaults: a thousand levels (a thread's stack may overflow before that while reading; the reader
     * catches that too); arrays as long as the JVM allows (a 100 MiB {@code byte[]} in a task's field is common,
     * and an array can never claim more elements than its stream has bytes anyway); object counts up to a hundred
     * million.
     */
    public static final DeserializationLimits DEFAULT = new DeserializationLimits(1_000, Integer.MAX_VALUE, 100_000_000);

    /** What raises the limits, for the message of a value refused over one. */
    public static final String SETTER = "ProcessPoolBuilder.deserializationLimits(maxDepth, maxArrayLength, maxReferences)";

    public DeserializationLimits {
        if (maxDepth <= 0 || maxArrayLength <= 0 || maxReferences <= 0) {
            throw new IllegalArgumentException("deserialization limits must be > 0, were maxDepth " + maxDepth
                    + ", maxArrayLength " + maxArrayLength + ", maxReferences " + maxReferences);
        }
    }

    /**
     * A filter for one stream of {@code streamLength} bytes (or -1 when unknown) that records the first limit a
     * value went over in {@code refusal}.
     */
    Filter filter(long streamLength) {
        return new Filter(this, streamLength);
    }

    /** One stream's filter; remembers why it rejected, so the reader can say which limit and how to raise it. */
    static final class Filter implements ObjectInputFilter {
        private final DeserializationLimits limits;
        private final long streamLength;
        private String refusal;

        private Filter(DeserializationLimits limits, long streamLength) {
            this.limits = limits;
            this.streamLength = streamLength;
        }

        @Override
        public Status checkInput(FilterInfo info) {
            if (info.depth() > limits.maxDepth) {
                return refuse("its object graph nests deeper than the limit of " + limits.maxDepth + " levels", true);
            }
            if (info.references() > limits.maxReferences) {
                return refuse("it holds more than the limit of " + limits.maxReferences + " objects and references", true);
            }
            if (info.arrayLength() > limits.maxArrayLength) {
                return refuse("it has an array of " + info.arrayLength() + " elements, over the limit of "
                        + limits.maxArrayLength, true);
            }
            if (streamLength >= 0 && (info.arrayLength() > streamLength || info.references() > streamLength)) {
                return refuse("it claims " + Math.max(info.arrayLength(), info.references())
                        + " elements or objects in a stream of " + streamLength + " bytes: the bytes are corrupted", false);
            }
            return Status.UNDECIDED;
        }

        private Status refuse(String why, boolean raisable) {
            if (refusal == null) {
                refusal = why + (raisable ? " (" + SETTER + " raises it)" : "");
            }
            return Status.REJECTED;
        }

        /** Why the stream was refused, or null if it was not. */
        String refusal() {
            return refusal;
        }
    }
}
