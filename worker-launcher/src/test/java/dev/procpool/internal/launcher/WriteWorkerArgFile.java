package dev.procpool.internal.launcher;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Run in a child JVM, as a pool parent would be, in a locale of the test's choosing: builds a worker command
 * with one extra JVM option and prints the argfile's path, or {@code error: } and the (escaped) message. The
 * option arrives with {@code \\uXXXX} escapes, since a non-ASCII command line would not survive an ASCII locale.
 */
public final class WriteWorkerArgFile {
    private WriteWorkerArgFile() {
    }

    public static void main(String[] args) {
        WorkerSpec spec = WorkerSpec.ofCurrentJvm(List.of(unescape(args[1])), Map.of(), null, (id, stderr, line) -> { });
        try {
            List<String> command = WorkerCommand.build(spec, 1, Path.of(args[0]));
            System.out.println(command.get(1).substring(1));
        } catch (Exception e) {
            System.out.println("error: " + PrintProperties.escape(String.valueOf(e.getMessage())));
        }
    }

    private static String unescape(String escaped) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < escaped.length(); i++) {
            if (escaped.startsWith("\\u", i)) {
                out.append((char) Integer.parseInt(escaped.substring(i + 2, i + 6), 16));
                i += 5;
            } else {
                out.append(escaped.charAt(i));
            }
        }
        return out.toString();
    }
}
