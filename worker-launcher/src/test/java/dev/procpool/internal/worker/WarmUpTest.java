package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.codec.Payload;
import dev.procpool.internal.ipc.codec.TaskCodec;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.Serializable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The worker's warm-up runs the paths real tasks take; a class that fell back to JDK serialization would not. */
class WarmUpTest {
    @Test
    void warmUpsCallableClass_travelsAsItsFieldValues_notThroughObjectStreams() throws Exception {
        byte[] plain = TaskCodec.encodeToArray(new WarmUp.PlainTask(42, "warm"));
        byte[] objectStream = TaskCodec.encodeToArray(new ObjectStreamTwin(42, "warm"));
        assertNotEquals(objectStream[0], plain[0], "the two take different formats (first byte: the format)");
        Object decoded = TaskCodec.decode(Payload.of(plain), WarmUpTest.class.getClassLoader());
        assertEquals(46, ((WarmUp.PlainTask) decoded).call());
    }

    /** The same fields, but a {@code writeObject} of its own, which keeps it on JDK serialization. */
    static final class ObjectStreamTwin implements Serializable {
        private static final long serialVersionUID = 1L;
        private final int number;
        private final String text;

        ObjectStreamTwin(int number, String text) {
            this.number = number;
            this.text = text;
        }

        private void writeObject(ObjectOutputStream out) throws IOException {
            out.defaultWriteObject();
        }

        @Override
        public String toString() {
            return number + text;
        }
    }
}
