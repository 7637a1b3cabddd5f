package dev.procpool.internal.ipc;

/**
 * Owns the layout of every frame procpool sends between parent and worker, on the queues and on the control
 * pipe: the type ids, the header and its offsets. {@link MessageCodec} lays out queue frames (one Chronicle
 * document each), {@link ControlCodec} control-pipe frames (the worker's stdin). A type id is unique across
 * both channels, so a frame read from the wrong one is refused, never misread.
 * <pre>
 *   Queue frame (tasks: parent to worker; results: worker to parent), native byte order
 *   0        1                   9              13
 *   +--------+-------------------+--------------+-------------------------------+
 *   | type:1 | taskId:8 (or 0)   | checksum:4   | body                          |
 *   +--------+-------------------+--------------+-------------------------------+
 *   checksum: CRC32C of bytes [0, 9) and [13, end of the document): the type, the task id and the body, so a
 *     flipped bit, a torn write or two frames' task ids swapped are detected; a reader refuses such a frame
 *     before it reads any length from it. It detects damage, not forgery: a task can compute it too, so the
 *     body is still read with every length checked.
 *
 *   body of RUN_TASK, RUN_INITIALIZER, TASK_COMPLETED, TASK_FAILED, INITIALIZER_FAILED: a payload
 *     +---------+----------+------------------------------------------+
 *     | where:1 | length:8 | INLINE: length bytes                     |
 *     |         |          | IN_FILE: file name, UTF-8, in the folder |
 *     +---------+----------+------------------------------------------+
 *     an IN_FILE name must be exactly payload-<n>.bin (n > 0, decimal); a reader refuses any other name
 *   after the payload of RUN_TASK:  captureOutput:1
 *   after the payload of TASK_COMPLETED, TASK_FAILED: captured output
 *     (both optional: a frame that ends after its payload means no capture, no output)
 *     +----------+------------------------------------------------------------+
 *     | output:1 | PAYLOAD_NO_OUTPUT: nothing                                 |
 *     |          | PAYLOAD_OUTPUT: stdout, UTF-8 | stderr, UTF-8 | omitted:8  |
 *     +----------+------------------------------------------------------------+
 *   body of CONFIGURE_WORKER:       maxTasks:8 | maxMemoryGrowthBytes:8 | maxDepth:8 | maxArrayLength:8 |
 *                                   maxReferences:8   (the deserialization limits, see codec.DeserializationLimits)
 *   body of WORKER_READY:           protocolVersion:4 | pid:8
 *   body of WORKER_RETIRED:         reason, UTF-8
 *   body of OUTCOME_NOT_SERIALIZED: description, UTF-8 | frames:4 | frames x stack frame
 *     stack frame: classLoaderName | moduleName | moduleVersion | declaringClass | methodName | fileName
 *                  (each UTF-8, or null) | lineNumber:4
 *   body of CANCEL_TASK:            interrupt:1
 *   body of RESOURCE_REQUESTED:     loaderId:8 | resource name, UTF-8
 *   body of SHIP_RESOURCE:          loaderId:8 | resource name, UTF-8 | found:1 | found: a payload (the bytes)
 *                                                                               | else: why missing, UTF-8
 *   other types: empty
 *
 *   Control frame (the worker's stdin), always CONTROL_FRAME_LENGTH bytes, big-endian
 *   0        1                   9
 *   +--------+-------------------+
 *   | type:1 | taskId:8 (or 0)   |   CANCEL_TASK (interrupt), SKIP_TASK (cancel, no interrupt), STOP_NOW, WAKE
 *   +--------+-------------------+
 * </pre>
 * Which frames travel where: commands to the worker go on the tasks queue in order (CONFIGURE_WORKER first,
 * then RUN_INITIALIZER if the pool has one, then RUN_TASK and SHUTDOWN; SHIP_RESOURCE whenever a worker asked) or on the control pipe when they must
 * overtake queued tasks (CANCEL_TASK, SKIP_TASK, STOP_NOW, WAKE); every event goes on the results queue.
 * Bump {@link Message#PROTOCOL_VERSION} whenever anything here changes. Constants only.
 */
public final class FrameDescriptor {
    /** Offset of the type id in both kinds of frame. */
    public static final int TYPE_OFFSET = 0;
    /** Offset of the task id (0 in frames about no task). */
    public static final int TASK_ID_OFFSET = TYPE_OFFSET + Byte.BYTES;
    /** Offset of a queue frame's checksum (queue frames only). */
    public static final int CHECKSUM_OFFSET = TASK_ID_OFFSET + Long.BYTES;
    /** Offset of a queue frame's body; also the length of a queue frame's header. */
    public static final int BODY_OFFSET = CHECKSUM_OFFSET + Integer.BYTES;
    /** A control frame is a type and a task id and nothing else. */
    public static final int CONTROL_FRAME_LENGTH = TASK_ID_OFFSET + Long.BYTES;

    // commands, parent to worker
    public static final byte RUN_TASK = 1;
    public static final byte CANCEL_TASK = 2;
    public static final byte SHUTDOWN = 3;
    public static final byte STOP_NOW = 4;
    /** Control pipe only: a cancel that must not interrupt a task that has already started. */
    public static final byte SKIP_TASK = 5;
    public static final byte WAKE = 6;
    public static final byte CONFIGURE_WORKER = 7;
    public static final byte RUN_INITIALIZER = 8;
    public static final byte SHIP_RESOURCE = 9;

    // events, worker to parent
    public static final byte WORKER_READY = 10;
    public static final byte TASK_COMPLETED = 11;
    public static final byte TASK_FAILED = 12;
    public static final byte TASK_CANCELLED = 13;
    public static final byte WORKER_RETIRED = 14;
    public static final byte INITIALIZER_COMPLETED = 15;
    public static final byte INITIALIZER_FAILED = 16;
    public static final byte OUTCOME_NOT_SERIALIZED = 17;
    public static final byte RESOURCE_REQUESTED = 18;

    // where a payload's bytes are
    public static final byte PAYLOAD_INLINE = 0;
    public static final byte PAYLOAD_IN_FILE = 1;

    // whether a TASK_COMPLETED or TASK_FAILED payload is followed by captured output
    public static final byte PAYLOAD_NO_OUTPUT = 0;
    public static final byte PAYLOAD_OUTPUT = 1;

    /** The most stack frames an OUTCOME_NOT_SERIALIZED frame may claim; a worker's frames are untrusted input. */
    public static final int MAX_STACK_FRAMES = 4096;

    private FrameDescriptor() {
    }
}
