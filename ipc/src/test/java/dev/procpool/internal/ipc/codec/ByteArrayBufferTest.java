package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ByteArrayBufferTest {
    @TempDir
    Path folder;

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

    @Test
    void overFile_readsAcrossFills_andLargeArraysStraightFromTheFile() throws IOException {
        ByteArrayBuffer written = new ByteArrayBuffer(16);
        byte[] large = new byte[300_000];
        Arrays.setAll(new Object[large.length], i -> large[i] = (byte) (i * 31));
        written.writeInt(7).writeBytes(new byte[70_000]).writeUtf8("after the fill").writeBytes(large).writeLong(-1L);
        Path file = folder.resolve("value.bin");
        Files.write(file, written.toByteArray());
        try (FileChannel channel = FileChannel.open(file)) {
            ByteArrayBuffer buffer = ByteArrayBuffer.overFile(channel, file, 0, Files.size(file));
            assertEquals(written.readableBytes(), buffer.readableBytes());
            assertEquals(7, buffer.readInt());
            buffer.skipBytes(70_000);
            assertEquals("after the fill", buffer.readUtf8());
            byte[] copy = new byte[large.length];
            buffer.readBytes(copy);
            assertArrayEquals(large, copy);
            assertTrue(buffer.capacity() < large.length, "the large array did not pass through the buffer");
            assertEquals(-1L, buffer.readLong());
            assertEquals(0, buffer.readableBytes());
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, buffer::readByte);
            assertEquals("reading 1 bytes at " + buffer.readerIndex() + " of " + buffer.readerIndex(), e.getMessage());
        }
    }

    @Test
    void overFile_readPastItsEnd_throwsIndexOutOfBounds_beforeReadingOrAllocating() throws IOException {
        Path file = folder.resolve("short.bin");
        Files.write(file, new byte[] {0, 0, 0, 1, 2});
        try (FileChannel channel = FileChannel.open(file)) {
            ByteArrayBuffer buffer = ByteArrayBuffer.overFile(channel, file, 0, 5);
            assertEquals(1, buffer.readInt());
            assertThrows(IndexOutOfBoundsException.class, () -> buffer.readBytes(new byte[1 << 20]));
            assertEquals(2, buffer.readByte(), "the failed read consumed nothing");
        }
    }

    @Test
    void overFile_streamReadsLargeAndSmallParts_inOrder() throws IOException {
        byte[] bytes = new byte[200_000];
        Arrays.setAll(new Object[bytes.length], i -> bytes[i] = (byte) i);
        Path file = folder.resolve("stream.bin");
        Files.write(file, bytes);
        try (FileChannel channel = FileChannel.open(file);
             InputStream in = ByteArrayBuffer.overFile(channel, file, 0, bytes.length).asInputStream()) {
            assertEquals(0, in.read());
            byte[] rest = new byte[bytes.length - 1];
            assertEquals(rest.length, in.readNBytes(rest, 0, rest.length));
            assertArrayEquals(Arrays.copyOfRange(bytes, 1, bytes.length), rest);
            assertEquals(-1, in.read());
        }
    }

    @Test
    void largeValueWrittenInSmallSteps_keepsFilledArraysAsParts_insteadOfDoubling() {
        ByteArrayBuffer buffer = new ByteArrayBuffer(64);
        byte[] step = new byte[1024];
        for (int i = 0; i < 10_000; i++) {
            step[0] = (byte) i;
            buffer.writeBytes(step);
        }
        assertEquals(10_240_000, buffer.readableBytes());
        assertTrue(buffer.capacity() <= 4 << 20, "capacity " + buffer.capacity());
        byte[] joined = buffer.toPayload(new byte[] {42}).toByteArray();
        assertEquals(1 + 10_240_000, joined.length);
        assertEquals(42, joined[0]);
        for (int i = 0; i < 10_000; i++) {
            assertEquals((byte) i, joined[1 + i * 1024], "step " + i);
        }
    }

    @Test
    void largeArrayWritten_becomesAPartOfItsOwn_copiedOnce() {
        byte[] large = new byte[ByteArrayBuffer.SEAL_AT];
        large[large.length - 1] = 5;
        ByteArrayBuffer buffer = new ByteArrayBuffer(64).writeInt(1).writeBytes(large).writeInt(2);
        assertTrue(buffer.capacity() < large.length, "the array did not pass through the buffer's own array");
        large[large.length - 1] = 6; // changed after writing: the written copy keeps 5
        byte[] joined = buffer.toByteArray();
        assertEquals(large.length + 8, joined.length);
        assertEquals(5, joined[4 + large.length - 1]);
        assertEquals(2, joined[joined.length - 1]);
    }
}
