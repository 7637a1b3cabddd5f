package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.codec.Payload;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two frames of class shipping, written and read back through a real queue. */
class ClassShippingFramesTest {
    @TempDir
    Path folder;

    @Test
    void resourceRequested_roundTrip_keepsLoaderAndName() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new ResourceRequested(Long.MAX_VALUE, "com/acme/plugin/Job.class"));

            assertEquals(new ResourceRequested(Long.MAX_VALUE, "com/acme/plugin/Job.class"), channel.receive());
        }
    }

    @Test
    void shipResource_withBytes_roundTrips() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new ShipResource(3, "a/B.class", Payload.of(new byte[]{(byte) 0xCA, (byte) 0xFE}), null));

            ShipResource received = (ShipResource) channel.receive();
            assertEquals(3, received.loaderId());
            assertEquals("a/B.class", received.name());
            assertNull(received.missing());
            assertArrayEquals(new byte[]{(byte) 0xCA, (byte) 0xFE}, received.bytes().toByteArray());
        }
    }

    @Test
    void shipResource_missing_roundTripsTheReason() throws IOException {
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new ShipResource(4, "config.txt", null, "the loader has no config.txt"));

            assertEquals(new ShipResource(4, "config.txt", null, "the loader has no config.txt"), channel.receive());
        }
    }

    @Test
    void shipResource_largerThanInlineLimit_travelsInAFile_deletedOnRelease() throws IOException {
        byte[] big = new byte[Math.toIntExact(Queues.INLINE_LIMIT) + 1];
        Arrays.fill(big, (byte) 7);
        try (Channel channel = Channel.open(folder)) {
            channel.writer.write(new ShipResource(5, "model.bin", Payload.of(big), null));

            ShipResource received = (ShipResource) channel.receive();
            assertTrue(received.bytes().isInFile());
            try (InputStream in = received.bytes().openStream()) {
                assertArrayEquals(big, in.readAllBytes());
            }
            Path file = received.bytes().file();
            received.bytes().release();
            assertFalse(Files.exists(file));
        }
    }

    @Test
    void shipResource_needsBytesOrAReason_notBothNorNeither() {
        assertThrows(IllegalArgumentException.class, () -> new ShipResource(1, "x", null, null));
        assertThrows(IllegalArgumentException.class, () -> new ShipResource(1, "x", Payload.of(new byte[1]), "why"));
    }
}
