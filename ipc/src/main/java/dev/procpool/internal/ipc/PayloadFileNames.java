package dev.procpool.internal.ipc;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The names of out-of-band payload files, made by {@link ChannelWriter} and {@link LaneFiles} and checked by
 * {@link MessageCodec} and {@link LaneFiles}.
 * A name read from a queue was written by the other process, which runs arbitrary task code: only a name of the
 * exact form the writer makes, resolved inside the channel's folder, may ever be opened or deleted. Pure
 * functions; any thread.
 */
final class PayloadFileNames {
    /** What {@link #name} makes: {@code payload-<n>.bin}, n a positive decimal long without leading zeros. */
    private static final Pattern NAME = Pattern.compile("payload-[1-9][0-9]{0,18}\\.bin");

    private PayloadFileNames() {
    }

    /** The name of the {@code n}th payload a writer spills, {@code n >= 1}. */
    static String name(long n) {
        return "payload-" + n + ".bin";
    }

    /**
     * {@code name} resolved in {@code folder}.
     *
     * @throws FrameRefusedException when {@code name} is not one {@link #name} makes, or would resolve outside
     *                               {@code folder}
     */
    static Path resolve(Path folder, String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new FrameRefusedException("a frame names out-of-band payload file " + quote(name) + " in " + folder
                    + ", which is not a name procpool makes (payload-<n>.bin); the frame is refused and no file is opened");
        }
        Path base = folder.toAbsolutePath().normalize();
        Path file = base.resolve(name).normalize();
        if (!file.startsWith(base) || !file.getParent().equals(base)) {
            throw new FrameRefusedException("out-of-band payload file " + quote(name) + " resolves to " + file
                    + ", outside its channel folder " + base + "; the frame is refused and no file is opened");
        }
        return file;
    }

    /** The name as read, shortened and with control characters escaped, for an error message. */
    private static String quote(String name) {
        if (name == null) {
            return "null";
        }
        String shown = name.length() > 100 ? name.substring(0, 100) + "..." : name;
        StringBuilder quoted = new StringBuilder("\"");
        shown.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                quoted.append(String.format("\\u%04x", c));
            } else {
                quoted.appendCodePoint(c);
            }
        });
        return quoted.append('"').toString();
    }
}
