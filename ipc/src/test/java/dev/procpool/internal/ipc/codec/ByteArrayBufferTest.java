package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteArrayBufferTest {

    @Test
    void numbers_writtenBigEndian_readBackEqual() {
        ByteArrayBuffer buffer = new ByteArrayBuffer(1);
        buffer.writeByte(7).writeInt(0x01020304).writeLong(0x0102030405060708L).writeDouble(-2.5).writeUtf8("ü✓");
        byte[] bytes = buffer.toByteArray();
        assertArrayEquals(new byte[] {7, 1, 2, 3, 4, 1, 2, 3, 4, 5, 6, 7, 8}, java.util.Arrays.copyOf(bytes, 13));
        assertEquals(7, buffer.readByte());
        assertEquals(0x01020304, buffer.readInt());
        assertEquals(0x0102030405060708L, buffer.readLong());
        assertEquals(-2.5, buffer.readDouble());
        assertEquals("ü✓", buffer.readUtf8());
        assertEquals(0, buffer.readableBytes());
    }

    @Test
    void writesPastCapacity_growOnce_andKeepEarlierBytes() {
        ByteArrayBuffer buffer = new ByteArrayBuffer(4);
        buffer.writeInt(42);
        buffer.writeBytes(new byte[1000]);
        assertEquals(1004, buffer.readableBytes());
        assertTrue(buffer.capacity() >= 1004);
        assertEquals(42, buffer.readInt());
    }

    @Test
    void readPastWrittenBytes_throwsIndexOutOfBounds_andMovesNothing() {
        ByteArrayBuffer buffer = ByteArrayBuffer.wrap(new byte[] {0, 0, 0, 1, 9, 9}, 0, 5);
        assertEquals(1, buffer.readInt());
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, buffer::readInt);
        assertEquals("reading 4 bytes at 4 of 5", e.getMessage());
        assertEquals(9, buffer.readByte(), "the failed read consumed nothing");
    }

    @Test
    void wrappedSlice_readsOnlyTheSlice() throws IOException {
        ByteArrayBuffer buffer = ByteArrayBuffer.wrap(new byte[] {1, 2, 3, 4, 5}, 1, 3);
        try (InputStream in = buffer.asInputStream()) {
            assertArrayEquals(new byte[] {2, 3, 4}, in.readAllBytes());
        }
        assertThrows(IndexOutOfBoundsException.class, () -> ByteArrayBuffer.wrap(new byte[2], 1, 2));
    }
}
