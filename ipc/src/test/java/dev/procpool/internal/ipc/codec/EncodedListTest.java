package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EncodedListTest {
    record Point(int x, int y) implements Serializable {
    }

    @Test
    void listOfSimpleValues_readInOrder_asDecodeReadsThem() throws Exception {
        ArrayList<Object> values = new ArrayList<>(Arrays.asList(1, 2L, 3.5, true, false, null, "h\u00e9llo", "",
                new byte[] {1, 2, 3}, Integer.MIN_VALUE));
        Payload payload = TaskCodec.encode(values);
        @SuppressWarnings("unchecked")
        List<Object> decoded = (List<Object>) TaskCodec.decode(payload, getClass().getClassLoader());

        EncodedList list = EncodedList.of(payload);
        assertNotNull(list);
        assertEquals(values.size(), list.size());
        for (int i = 0; i < values.size(); i++) {
            assertEquals(i, list.position());
            Object value = list.next();
            if (value instanceof byte[] bytes) {
                assertArrayEquals((byte[]) decoded.get(i), bytes);
            } else {
                assertEquals(decoded.get(i), value);
                assertEquals(decoded.get(i) == null ? null : decoded.get(i).getClass(),
                        value == null ? null : value.getClass());
            }
        }
        NoSuchElementException end = assertThrows(NoSuchElementException.class, list::next);
        assertEquals("all 10 values of the list were read", end.getMessage());
    }

    @Test
    void payloadReleased_listStillReadable() throws Exception {
        Payload payload = TaskCodec.encode(new ArrayList<>(List.of(7, 8)));
        EncodedList list = EncodedList.of(payload);
        payload.release();
        assertEquals(7, list.next());
        assertEquals(8, list.next());
    }

    @Test
    void emptyList_hasNoValues() throws Exception {
        EncodedList list = EncodedList.of(TaskCodec.encode(new ArrayList<>()));
        assertEquals(0, list.size());
        assertThrows(NoSuchElementException.class, list::next);
    }

    @Test
    void listHoldingAnObject_isLeftToDecode() throws Exception {
        assertNull(EncodedList.of(TaskCodec.encode(new ArrayList<>(List.of(1, new Point(1, 2))))));
    }

    @Test
    void notAList_isLeftToDecode() throws Exception {
        assertNull(EncodedList.of(TaskCodec.encode(42)));
        assertNull(EncodedList.of(TaskCodec.encode(List.of(1, 2)))); // not an ArrayList: a JDK stream
    }

    @Test
    void truncatedOrForgedList_isLeftToDecode_whichRefusesIt() throws Exception {
        byte[] whole = TaskCodec.encodeToArray(new ArrayList<>(List.of(1, "two", 3L)));
        for (int length = 0; length < whole.length; length++) {
            assertNull(EncodedList.of(Payload.of(whole, 0, length)), "cut to " + length + " bytes");
        }
        byte[] unknownTag = whole.clone();
        unknownTag[5] = 99; // the first value's tag
        assertNull(EncodedList.of(Payload.of(unknownTag)));
        byte[] longString = whole.clone();
        longString[11] = 0x7f; // the high byte of the string's length
        assertNull(EncodedList.of(Payload.of(longString)));
        assertThrows(java.io.IOException.class, () -> TaskCodec.decode(Payload.of(longString), getClass().getClassLoader()));
    }

    @Test
    void listOfInts_readUnboxed_orBoxedAsDecodeReadsThem() throws Exception {
        EncodedList ints = EncodedList.of(TaskCodec.encode(new ArrayList<>(List.of(1, -2, Integer.MAX_VALUE))));
        assertTrue(ints.isInts());
        assertEquals(1, ints.nextInt());
        assertEquals(-2, ints.next());
        assertEquals(2, ints.position());
        assertEquals(Integer.MAX_VALUE, ints.nextInt());
        assertThrows(NoSuchElementException.class, ints::nextInt);

        EncodedList mixed = EncodedList.of(TaskCodec.encode(new ArrayList<>(List.of(1, 2L))));
        assertFalse(mixed.isInts());
        IllegalStateException e = assertThrows(IllegalStateException.class, mixed::nextInt);
        assertEquals("the list holds values other than ints", e.getMessage());
    }
}
