package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;

import java.io.InvalidClassException;
import java.io.InvalidObjectException;
import java.io.ObjectInputStream;
import java.io.ObjectStreamException;
import java.io.Serializable;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlainObjectsTest {
    /** A task as code written for ExecutorService ships it: a Callable class with a few fields. */
    static final class EveryFieldKind implements Callable<String>, Serializable {
        private static final long serialVersionUID = 1L;
        static int untouchedStatic = 5;
        final int i;
        final long l;
        final double d;
        final float f;
        final boolean z;
        final byte b;
        final short s;
        final char c;
        final String text;
        final Integer boxedInt;
        final Long boxedLong;
        final Double boxedDouble;
        final Boolean boxedBoolean;
        transient int notSent = 99;

        EveryFieldKind(int i, String text) {
            this.i = i;
            this.l = Long.MIN_VALUE + i;
            this.d = -0.0;
            this.f = Float.NaN;
            this.z = true;
            this.b = (byte) -3;
            this.s = Short.MIN_VALUE;
            this.c = '✓';
            this.text = text;
            this.boxedInt = i;
            this.boxedLong = null;
            this.boxedDouble = 1.5;
            this.boxedBoolean = false;
        }

        @Override
        public String call() {
            return text + i;
        }

        @Override
        public String toString() {
            return i + "," + l + "," + d + "," + f + "," + z + "," + b + "," + s + "," + c + "," + text + ","
                    + boxedInt + "," + boxedLong + "," + boxedDouble + "," + boxedBoolean + "," + notSent;
        }
    }

    static final class WithReadResolve implements Serializable {
        int x = 1;

        private Object readResolve() throws ObjectStreamException {
            return this;
        }
    }

    static final class WithReadObject implements Serializable {
        int x = 1;

        private void readObject(ObjectInputStream in) {
        }
    }

    static final class WithAList implements Serializable {
        List<Integer> values = List.of(1);
    }

    static class Base implements Serializable {
        int x = 1;
    }

    static final class Derived extends Base {
        int y = 2;
    }

    enum Kind { A }

    /** A task as newer code writes it: a record, here with every kind of component that travels plain. */
    record EveryComponentKind(int i, long l, double d, float f, boolean z, byte b, short s, char c, String text,
                              Integer boxedInt, Long boxedLong, Double boxedDouble, Boolean boxedBoolean)
            implements Callable<String>, Serializable {
        @Override
        public String call() {
            return text + i;
        }
    }

    /** Its canonical constructor refuses 13, as a record's compact constructor checks its values. */
    record Checked(int value) implements Serializable {
        Checked {
            if (value == 13) {
                throw new IllegalArgumentException("13 is refused");
            }
        }
    }

    record RecordWithAList(List<Integer> values) implements Serializable {
    }

    record RecordWithReadResolve(int x) implements Serializable {
        private Object readResolve() throws ObjectStreamException {
            return this;
        }
    }

    private static Object roundTrip(Object value) throws Exception {
        return TaskCodec.decode(TaskCodec.encode(value), PlainObjectsTest.class.getClassLoader());
    }

    private static byte tag(Object value) throws Exception {
        return TaskCodec.encode(value).toByteArray()[0];
    }

    @Test
    void callableClassOfPrimitivesAndStrings_roundTrips_asPlainWithEveryFieldValue() throws Exception {
        EveryFieldKind task = new EveryFieldKind(7, "seven ü ");
        Object back = roundTrip(task);
        assertEquals(EveryFieldKind.class, back.getClass());
        assertEquals("7," + (Long.MIN_VALUE + 7) + ",-0.0,NaN,true,-3,-32768,✓,seven ü ,7,null,1.5,false,0",
                back.toString(), "every field as sent; the transient one at its default, no constructor run");
        assertEquals("seven ü 7", ((EveryFieldKind) back).call());
        if (Runtime.version().feature() < 26) { // from 26 (JEP 500) final fields keep JDK serialization
            assertEquals(ValueFormat.PLAIN, tag(task));
            assertTrue(TaskCodec.encode(task).length() < 200, "no class descriptor: " + TaskCodec.encode(task).length());
        } else {
            assertEquals(ValueFormat.JAVA, tag(task));
        }
    }

    @Test
    void record_roundTripsAsPlain_onEveryJdk_throughItsCanonicalConstructor() throws Exception {
        EveryComponentKind task = new EveryComponentKind(7, Long.MIN_VALUE, -0.0, Float.NaN, true, (byte) -3,
                Short.MIN_VALUE, '✓', "seven ü ", 7, null, 1.5, false);

        assertEquals(task, roundTrip(task));
        assertEquals(ValueFormat.PLAIN, tag(task), "records set no final field: plain on JDK 26 too");
        assertTrue(TaskCodec.encode(task).length() < 200, "no class descriptor: " + TaskCodec.encode(task).length());
        assertEquals(new Checked(12), roundTrip(new Checked(12)));
    }

    @Test
    void recordWhoseConstructorRefusesTheValuesSent_isRefusedWithInvalidObjectException() throws Exception {
        ByteArrayBuffer out = new ByteArrayBuffer(64);
        out.writeByte(ValueFormat.PLAIN).writeUtf8(Checked.class.getName()).writeInt(PlainClass.of(Checked.class).layout());
        out.writeInt(13);

        InvalidObjectException e = assertThrows(InvalidObjectException.class,
                () -> ValueFormat.read(out, getClass().getClassLoader()));

        assertTrue(e.getMessage().contains("refused the values sent") && e.getMessage().contains("13 is refused"),
                e.getMessage());
        assertInstanceOf(IllegalArgumentException.class, e.getCause());
    }

    @Test
    void nullStringField_roundTrips() throws Exception {
        assertNull(((EveryFieldKind) roundTrip(new EveryFieldKind(1, null))).text);
    }

    @Test
    void classesThatCustomiseSerializationOrHoldOtherTypes_takeJdkSerialization() throws Exception {
        for (Object value : List.of(new WithReadResolve(), new WithReadObject(), new WithAList(), new Derived(),
                Kind.A, new RecordWithAList(List.of(1)), new RecordWithReadResolve(1))) {
            assertEquals(ValueFormat.JAVA, tag(value), value.getClass().getSimpleName());
            assertNotNull(roundTrip(value));
        }
        assertEquals(2, ((Derived) roundTrip(new Derived())).y);
    }

    @Test
    void plainValueWhoseLayoutDiffers_isRefusedWithInvalidClassException() throws Exception {
        byte[] bytes = TaskCodec.encode(new EveryFieldKind(1, "x")).toByteArray();
        int layoutAt = 1 + Integer.BYTES + EveryFieldKind.class.getName().length();
        bytes[layoutAt] ^= 1;
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> ValueFormat.read(ByteArrayBuffer.wrap(bytes, 0, bytes.length), getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("the class differs between the two JVMs"), e.getMessage());
    }

    @Test
    void plainValueWithAWrongTypeInAStringField_isRefused() throws Exception {
        ByteArrayBuffer out = new ByteArrayBuffer(64);
        PlainClass plain = PlainClass.of(WithText.class); // its field is not final: plain on every JDK
        out.writeByte(ValueFormat.PLAIN).writeUtf8(WithText.class.getName()).writeInt(plain.layout());
        out.writeByte(ValueFormat.INT).writeInt(3); // an Integer where a String is declared
        InvalidClassException e = assertThrows(InvalidClassException.class,
                () -> ValueFormat.read(out, getClass().getClassLoader()));
        assertTrue(e.getMessage().contains("field text of type java.lang.String was sent a java.lang.Integer"),
                e.getMessage());
    }

    static final class WithText implements Serializable {
        String text;
    }
}
