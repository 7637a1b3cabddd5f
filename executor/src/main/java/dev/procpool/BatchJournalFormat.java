package dev.procpool;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The layout of a batch journal file: a header that names the batch, then one record per outcome, appended in the
 * order outcomes became known. Little-endian. Pure functions, no state; any thread.
 *
 * <pre>
 * header (64 bytes)
 *   0                   8        12       16                  24                                56       60      64
 *   +-------------------+--------+--------+-------------------+---------------------------------+--------+-------+
 *   | magic "PPJOURNL"  | version| 0      | input count or -1 | SHA-256 of the serialized       | CRC32C | 0     |
 *   |                   |        |        | (-1: not known)   | function                        | of 0-55|       |
 *   +-------------------+--------+--------+-------------------+---------------------------------+--------+-------+
 *
 * record (25 bytes + payload)
 *   0        4        8               16              24     25
 *   +--------+--------+---------------+---------------+------+---------------------------------------+
 *   | body   | CRC32C | input index   | input digest  | kind | payload: the result, or the exception, |
 *   | length | of body| (from 0)      | (64 bits)     | 1 ok | in the pool's value format             |
 *   |        |        |               |               | 2 ex |                                        |
 *   +--------+--------+---------------+---------------+------+---------------------------------------+
 *            \_______________________ body (length bytes) ______________________________________________/
 * </pre>
 *
 * A record is valid only if its length fits the file and its CRC matches: a record torn by a parent killed in
 * the middle of a write, and anything after it, is cut off when the journal is opened again. The version changes
 * whenever this layout or the pool's value format of payloads changes.
 */
final class BatchJournalFormat {
    static final int VERSION = 1;
    static final byte[] MAGIC = "PPJOURNL".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER_LENGTH = 64;
    static final int VERSION_OFFSET = 8;
    static final int COUNT_OFFSET = 16;
    static final int FUNCTION_OFFSET = 24;
    static final int FUNCTION_DIGEST_LENGTH = 32;
    static final int HEADER_CRC_OFFSET = 56;

    static final int RECORD_PREFIX = 8;
    static final int BODY_FIXED = 17;
    static final int INDEX_OFFSET = RECORD_PREFIX;
    static final int DIGEST_OFFSET = RECORD_PREFIX + 8;
    static final int KIND_OFFSET = RECORD_PREFIX + 16;
    static final int PAYLOAD_OFFSET = RECORD_PREFIX + BODY_FIXED;
    static final byte SUCCEEDED = 1;
    static final byte FAILED = 2;

    private BatchJournalFormat() {
    }

    /** A header for a batch of {@code inputCount} inputs (-1: not known) running the function of that digest. */
    static ByteBuffer header(long inputCount, byte[] functionDigest) {
        ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        header.put(MAGIC).putInt(VERSION_OFFSET, VERSION).putLong(COUNT_OFFSET, inputCount);
        header.put(FUNCTION_OFFSET, functionDigest, 0, FUNCTION_DIGEST_LENGTH);
        header.putInt(HEADER_CRC_OFFSET, crc(header, 0, HEADER_CRC_OFFSET));
        return header.clear();
    }

    /** Whether the header's CRC matches its first 56 bytes. */
    static boolean headerIntact(ByteBuffer header) {
        return header.getInt(HEADER_CRC_OFFSET) == crc(header, 0, HEADER_CRC_OFFSET);
    }

    static boolean magicMatches(ByteBuffer header, int available) {
        for (int i = 0; i < Math.min(available, MAGIC.length); i++) {
            if (header.get(i) != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    /** Writes one whole record into {@code out}, which must have room for {@link #recordLength}. */
    static void writeRecord(ByteBuffer out, long index, long inputDigest, boolean succeeded, byte[] payload) {
        int start = out.position();
        out.putInt(BODY_FIXED + payload.length).putInt(0).putLong(index).putLong(inputDigest)
                .put(succeeded ? SUCCEEDED : FAILED).put(payload);
        out.putInt(start + 4, crc(out, start + RECORD_PREFIX, BODY_FIXED + payload.length));
    }

    static int recordLength(byte[] payload) {
        return PAYLOAD_OFFSET + payload.length;
    }

    /** CRC32C of {@code length} bytes of {@code buffer} from {@code offset}, leaving its position alone. */
    static int crc(ByteBuffer buffer, int offset, int length) {
        CRC32C crc = new CRC32C();
        crc.update(buffer.duplicate().limit(offset + length).position(offset));
        return (int) crc.getValue();
    }
}
