package dev.procpool.internal.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Every operating-system difference procpool knows about, in one place, each a pure function of an {@link Os}
 * so that the rules for all three systems are unit-tested on any of them.
 */
public final class Platform {
    /** The operating systems procpool distinguishes. */
    public enum Os { LINUX, MAC, WINDOWS, OTHER_UNIX }

    private static final Map<Integer, String> COMMON_SIGNALS = Map.ofEntries(
            Map.entry(1, "SIGHUP"), Map.entry(2, "SIGINT"), Map.entry(3, "SIGQUIT"), Map.entry(4, "SIGILL"),
            Map.entry(5, "SIGTRAP"), Map.entry(6, "SIGABRT"), Map.entry(8, "SIGFPE"), Map.entry(9, "SIGKILL"),
            Map.entry(11, "SIGSEGV"), Map.entry(13, "SIGPIPE"), Map.entry(14, "SIGALRM"), Map.entry(15, "SIGTERM"));
    private static final Map<Integer, String> LINUX_SIGNALS = Map.of(7, "SIGBUS", 10, "SIGUSR1", 12, "SIGUSR2");
    private static final Map<Integer, String> MAC_SIGNALS = Map.of(10, "SIGBUS", 12, "SIGSYS", 30, "SIGUSR1", 31, "SIGUSR2");
    private static final Map<Integer, String> WINDOWS_STATUS = Map.of(
            0xC0000005, "STATUS_ACCESS_VIOLATION", 0xC00000FD, "STATUS_STACK_OVERFLOW",
            0xC0000409, "STATUS_STACK_BUFFER_OVERRUN", 0xC000013A, "STATUS_CONTROL_C_EXIT");

    private Platform() {
    }

    public static Os current() {
        return parse(System.getProperty("os.name", ""));
    }

    static Os parse(String osName) {
        String name = osName.toLowerCase(Locale.ROOT);
        if (name.startsWith("windows")) {
            return Os.WINDOWS;
        }
        if (name.startsWith("mac") || name.startsWith("darwin")) {
            return Os.MAC;
        }
        if (name.startsWith("linux")) {
            return Os.LINUX;
        }
        return Os.OTHER_UNIX;
    }

    public static String javaExecutableName(Os os) {
        return os == Os.WINDOWS ? "java.exe" : "java";
    }

    /**
     * How an exit code reads: on Unix the JDK reports death by signal N as 128 + N; Windows has no signals but
     * NTSTATUS crash codes. Returns null when the code says nothing beyond itself.
     */
    public static String describeExitCode(Os os, int exitCode) {
        if (os == Os.WINDOWS) {
            return WINDOWS_STATUS.get(exitCode);
        }
        if (exitCode <= 128 || exitCode > 128 + 64) {
            return null;
        }
        int signal = exitCode - 128;
        String name = COMMON_SIGNALS.get(signal);
        if (name == null) {
            name = (os == Os.MAC ? MAC_SIGNALS : LINUX_SIGNALS).get(signal);
        }
        return name == null ? "signal " + signal : name;
    }

    /**
     * Quotes one argument for a JVM {@code @argfile}: always in double quotes, with backslash and double quote
     * escaped, because inside quotes the launcher treats backslash as an escape on every OS (so Windows paths
     * need it doubled). Line breaks are escaped too.
     */
    public static String quoteForArgFile(String argument) {
        StringBuilder quoted = new StringBuilder(argument.length() + 2).append('"');
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            switch (c) {
                case '\\' -> quoted.append("\\\\");
                case '"' -> quoted.append("\\\"");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> quoted.append(c);
            }
        }
        return quoted.append('"').toString();
    }

    /**
     * Where procpool keeps files worth keeping between runs (the workers' class-data archives): the per-user
     * cache folder each OS documents, with a {@code procpool} folder inside. Null when the environment names
     * no home to put it in.
     *
     * @param env      reads an environment variable (null when unset)
     * @param userHome the {@code user.home} property, or null
     */
    public static java.nio.file.Path cacheDirectory(Os os, java.util.function.UnaryOperator<String> env, String userHome) {
        String base;
        switch (os) {
            case WINDOWS -> {
                String local = env.apply("LOCALAPPDATA");
                if (notBlank(local)) {
                    return java.nio.file.Path.of(local, "procpool", "cache");
                }
                base = notBlank(userHome) ? java.nio.file.Path.of(userHome, "AppData", "Local").toString() : null;
                return base == null ? null : java.nio.file.Path.of(base, "procpool", "cache");
            }
            case MAC -> {
                return notBlank(userHome) ? java.nio.file.Path.of(userHome, "Library", "Caches", "procpool") : null;
            }
            default -> {
                String xdg = env.apply("XDG_CACHE_HOME");
                if (notBlank(xdg) && xdg.startsWith("/")) { // the XDG spec ignores relative ones
                    return java.nio.file.Path.of(xdg, "procpool");
                }
                return notBlank(userHome) ? java.nio.file.Path.of(userHome, ".cache", "procpool") : null;
            }
        }
    }

    /**
     * Whether another process's start-up environment can be read without native code: Linux shows the user's own
     * processes' in {@code /proc/<pid>/environ}; macOS and Windows do not.
     */
    public static boolean canReadProcessEnvironments(Os os) {
        return os == Os.LINUX;
    }

    /**
     * Whether a process's children can be listed without scanning every process on the machine: Linux lists each
     * thread's in {@code /proc/<pid>/task/<tid>/children} (where the kernel is built with it, as the common
     * distributions' are); elsewhere the JDK's {@link ProcessHandle#descendants()} looks at every process.
     */
    public static boolean listsChildrenPerThread(Os os) {
        return os == Os.LINUX;
    }

    /** The pids in a {@code /proc/<pid>/task/<tid>/children} text: decimal numbers separated by spaces. */
    public static List<Long> parseChildren(String text) {
        List<Long> pids = new ArrayList<>();
        for (String token : text.trim().split("\\s+")) {
            if (!token.isEmpty()) {
                pids.add(Long.parseLong(token));
            }
        }
        return pids;
    }

    /**
     * Whether a {@code /proc/<pid>/environ} image (NUL-separated {@code NAME=value} entries) sets {@code name} to
     * {@code value}, or, with {@code prefix}, to something that starts with it.
     */
    public static boolean environmentHas(byte[] environ, String name, String value, boolean prefix) {
        byte[] wanted = (name + "=" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        int start = 0;
        while (start < environ.length) {
            int end = start;
            while (end < environ.length && environ[end] != 0) {
                end++;
            }
            int length = end - start;
            if ((prefix ? length >= wanted.length : length == wanted.length)
                    && java.util.Arrays.equals(environ, start, start + wanted.length, wanted, 0, wanted.length)) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    /**
     * The command that prints the resident set size of process {@code pid}, or null where a file tells it
     * ({@code /proc/self/status} on Linux). macOS and the other Unixes have {@code ps}; Windows has
     * {@code tasklist}, whose "Mem Usage" is the working set, Windows' name for the resident set. Both are run
     * without a shell.
     */
    public static List<String> residentSizeCommand(Os os, long pid) {
        return switch (os) {
            case LINUX -> null;
            case WINDOWS -> List.of("tasklist.exe", "/FI", "PID eq " + pid, "/FO", "CSV", "/NH");
            case MAC, OTHER_UNIX -> List.of("/bin/ps", "-o", "rss=", "-p", Long.toString(pid));
        };
    }

    /**
     * The resident set size in bytes read from what {@link #residentSizeCommand} printed (on Linux, from the text
     * of {@code /proc/self/status}), or -1 when the text does not tell it.
     * <ul>
     * <li>Linux: the {@code VmRSS:   12345 kB} line.</li>
     * <li>macOS and other Unixes: {@code ps -o rss=} prints the size in KiB, nothing else.</li>
     * <li>Windows: {@code tasklist /FO CSV /NH} prints {@code "java.exe","4242","Console","1","123,456 K"}; the
     *     last field is in KiB with the locale's digit grouping ({@code ,} {@code .} or a space), which is
     *     dropped. No match prints an "INFO:" line without quotes.</li>
     * </ul>
     */
    public static long parseResidentSize(Os os, String output) {
        if (output == null) {
            return -1;
        }
        String kib = switch (os) {
            case LINUX -> output.lines().filter(line -> line.startsWith("VmRSS:")).findFirst()
                    .map(line -> line.substring("VmRSS:".length()).replace("kB", "")).orElse(null);
            case WINDOWS -> {
                String row = output.strip();
                int lastField = row.lastIndexOf(",\"");
                yield row.startsWith("\"") && lastField > 0 && row.endsWith("K\"")
                        ? row.substring(lastField + 2, row.length() - 2) : null;
            }
            case MAC, OTHER_UNIX -> output.strip().lines().findFirst().orElse(null);
        };
        if (kib == null) {
            return -1;
        }
        String digits = kib.replaceAll("[\\s,.\u00a0\u202f']", "");
        if (digits.isEmpty() || digits.length() > 15 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return -1;
        }
        return Long.parseLong(digits) * 1024;
    }

    /**
     * How long a resident size reading is reused: reading {@code /proc} costs microseconds, but starting
     * {@code ps} costs milliseconds and {@code tasklist} tens of them, so those are read at most every few
     * seconds.
     */
    public static long residentSizeMaxAgeNs(Os os) {
        return os == Os.LINUX ? 0 : java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }
}
