package dev.procpool.internal.ipc;

import dev.procpool.internal.ipc.Message.CancelTask;
import dev.procpool.internal.ipc.Message.StopNow;
import org.junit.jupiter.api.Test;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ControlCodecTest {

    @Test
    void commands_roundTrip_equal() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        ControlCodec.write(new CancelTask(58, true), out);
        ControlCodec.write(new StopNow(), out);
        ControlCodec.write(new CancelTask(Long.MIN_VALUE, true), out);

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(new CancelTask(58, true), ControlCodec.read(in));
        assertEquals(new StopNow(), ControlCodec.read(in));
        assertEquals(new CancelTask(Long.MIN_VALUE, true), ControlCodec.read(in));
        assertNull(ControlCodec.read(in));
    }

    @Test
    void command_isNineBytes_typeThenTaskId() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ControlCodec.write(new CancelTask(0x0102030405060708L, true), new DataOutputStream(bytes));

        assertArrayEquals(new byte[] {FrameDescriptor.CANCEL_TASK, 1, 2, 3, 4, 5, 6, 7, 8}, bytes.toByteArray());
    }

    @Test
    void write_flushes_readerOnAPipeSeesCommandAtOnce() throws IOException {
        PipedInputStream pipeIn = new PipedInputStream();
        DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new PipedOutputStream(pipeIn), 64));

        ControlCodec.write(new StopNow(), out);

        assertEquals(9, pipeIn.available());
        assertEquals(new StopNow(), ControlCodec.read(new DataInputStream(pipeIn)));
    }

    @Test
    void read_emptyStream_null() throws IOException {
        assertNull(ControlCodec.read(new DataInputStream(new ByteArrayInputStream(new byte[0]))));
    }

    @Test
    void read_streamEndsMidCommand_null() throws IOException {
        byte[] partial = {FrameDescriptor.CANCEL_TASK, 0, 0, 0};

        assertNull(ControlCodec.read(new DataInputStream(new ByteArrayInputStream(partial))));
    }

    @Test
    void read_unknownType_throwsNamingIt() {
        byte[] bytes = new byte[9];
        Arrays.fill(bytes, (byte) 0);
        bytes[0] = 99;

        IOException thrown = assertThrows(IOException.class,
                () -> ControlCodec.read(new DataInputStream(new ByteArrayInputStream(bytes))));
        assertEquals("unknown control command 99", thrown.getMessage());
    }

    @Test
    void write_queueCommand_throwsSayingWhereItTravels() {
        IllegalArgumentException thrown = assertThrows(IllegalArgumentException.class,
                () -> ControlCodec.write(new Message.Shutdown(), new DataOutputStream(new ByteArrayOutputStream())));

        assertEquals("Shutdown[] travels on the task queue, not the control pipe", thrown.getMessage());
    }

    @Test
    void skipAndWake_roundTrip_distinctFromInterruptingCancel() throws Exception {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        ControlCodec.write(new CancelTask(9, false), out);
        ControlCodec.write(new Message.Wake(), out);
        ControlCodec.write(new CancelTask(9, true), out);
        java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
        assertEquals(new CancelTask(9, false), ControlCodec.read(in));
        assertEquals(new Message.Wake(), ControlCodec.read(in));
        assertEquals(new CancelTask(9, true), ControlCodec.read(in));
        assertEquals(null, ControlCodec.read(in));
    }
}
