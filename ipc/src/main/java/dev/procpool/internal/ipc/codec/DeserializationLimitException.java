package dev.procpool.internal.ipc.codec;

import java.io.InvalidObjectException;

/**
 * A value was refused while being read because it went over one of its pool's {@link DeserializationLimits},
 * or claimed more than its bytes could hold. The message names the limit and the builder setting that raises it.
 */
public final class DeserializationLimitException extends InvalidObjectException {
    private static final long serialVersionUID = 1L;

    DeserializationLimitException(String message) {
        super(message);
    }
}
