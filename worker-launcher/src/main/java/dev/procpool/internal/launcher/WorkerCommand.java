package dev.procpool.internal.launcher;

import dev.procpool.internal.ipc.ChronicleFlags;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceConfigurationError;

/**
 * Builds a worker's command line. JVM options and paths go into an {@code @argfile} in the worker's folder, so
 * that a long class path survives Windows' 32 K command-line limit and no shell quoting is involved anywhere;
 * the main class and its two arguments stay visible on the command line.
 */
public final class WorkerCommand {
    public static final String MAIN_CLASS = "dev.procpool.internal.worker.WorkerMain";
    static final String ARG_FILE = "jvm.args";
    /** The worker's {@code java.io.tmpdir}, inside its folder, so that what tasks leave there goes with the pool. */
    public static final String TEMP_FOLDER = "tmp";
    /** HotSpot's fatal-error report, written into the worker's folder; {@code %p} is the worker's pid. */
    public static final String ERROR_FILE_PATTERN = "hs_err_pid%p.log";
    /** slf4j-simple's level setting for the logger of Chronicle's {@code Jvm} class. */
    static final String CHRONICLE_JVM_LOG_LEVEL = "org.slf4j.simpleLogger.log.net.openhft.chronicle.core.Jvm";
    /** The JDK's property naming the {@code SelectorProvider} class to use instead of looking for one. */
    static final String SELECTOR_PROVIDER_PROPERTY = "java.nio.channels.spi.SelectorProvider";

    private WorkerCommand() {
    }

    /**
     * The JVM arguments, in order: procpool's defaults, forwarded internal settings, the footprint flags
     * ({@link WorkerFootprint}), the class-data archive when there is one, the user's options, paths. Extracts the
     * class-path entries nested in jars on the first call
     * ({@link WorkerClassPath#resolve}), so call it on a starter thread.
     *
     * @throws IOException when a nested class-path entry cannot be extracted
     */
    static List<String> jvmArguments(WorkerSpec spec, int workerId) throws IOException {
        List<String> args = new ArrayList<>(ChronicleFlags.forJavaVersion(spec.javaFeatureVersion()));
        if (!spec.modulePath().isEmpty()) {
            args.addAll(namedModuleFlags(args, chronicleModule()));
        }
        // An OutOfMemoryError leaves a JVM in an unknown state; end it and report the crash instead.
        args.add("-XX:+ExitOnOutOfMemoryError");
        // HotSpot prints its own messages ("Terminating due to java.lang.OutOfMemoryError: ...") to stdout by
        // default; the crash report reads the stderr tail, so send them there (and keep them out of task output).
        args.add("-XX:+DisplayVMOutputToStderr");
        args.add("-Dprocpool.worker.id=" + workerId);
        // Chronicle logs "Chronicle core loaded from <jar>" at INFO through SLF4J as its Jvm class loads, and no
        // Chronicle property turns it off: with slf4j-simple it was the one line in every worker's stderr tail.
        // This sets that logger's level for slf4j-simple only; before the user's options, so theirs win.
        args.add("-D" + CHRONICLE_JVM_LOG_LEVEL + "=warn");
        // The first socket a JVM opens (a worker's start-up lane) makes the JDK look for a SelectorProvider service
        // in every jar of the class path: 22 ms with no jar, 74-136 ms with 150 (JDK 17). Told the provider this
        // JVM uses, a worker of the same java skips that scan; before the user's options, so theirs win.
        boolean ownJava = runsThisJvm(spec);
        String provider = ownJava ? jdkSelectorProvider() : null;
        if (provider != null) {
            args.add("-D" + SELECTOR_PROVIDER_PROPERTY + "=" + provider);
        }
        System.getProperties().stringPropertyNames().stream()
                .filter(name -> name.startsWith("procpool.internal."))
                .sorted()
                .forEach(name -> args.add("-D" + name + "=" + System.getProperty(name)));
        args.addAll(WorkerFootprint.options(spec.jvmOptions(), launcherOptions(spec),
                WorkerFootprint.processors(spec.jvmOptions(), Runtime.getRuntime().availableProcessors()),
                ownJava && WorkerFootprint.trimsNativeHeap(Platform.current(), Runtime.version())));
        String workerClassPath = WorkerClassPath.resolve(new WorkerClassPath.Sources(spec.classPath(), spec.nestedClassPath()));
        ClassDataArchive.Plan archive = ClassDataArchive.ready(spec);
        if (archive != null) {
            args.addAll(ClassDataArchive.workerOptions(archive));
        }
        args.addAll(spec.jvmOptions());
        String classPath = archive == null ? workerClassPath : ClassDataArchive.workerClassPath(archive, workerClassPath);
        if (!classPath.isEmpty()) {
            args.add("-cp");
            args.add(classPath);
        }
        if (!spec.modulePath().isEmpty()) {
            args.add("--module-path");
            args.add(spec.modulePath());
            args.add("--add-modules=ALL-MODULE-PATH");
        }
        return args;
    }

    /**
     * The class of this JVM's {@code SelectorProvider} when it is the JDK's own, which a worker can be told to
     * use (the JDK makes it from this property with its public constructor); null when the provider came from
     * elsewhere (a service on the class path, which the worker finds the same way) or cannot be made so.
     */
    static String jdkSelectorProvider() {
        try {
            Class<?> type = SelectorProvider.provider().getClass();
            boolean made = type.getModule() == Object.class.getModule() && Modifier.isPublic(type.getModifiers())
                    && Modifier.isPublic(type.getConstructor().getModifiers());
            return made ? type.getName() : null;
        } catch (NoSuchMethodException | RuntimeException | ServiceConfigurationError e) {
            return null;
        }
    }

    /** Whether the worker runs this JVM's own {@code java}, so that {@link Runtime#version()} is its version too. */
    private static boolean runsThisJvm(WorkerSpec spec) {
        Path home = Path.of(System.getProperty("java.home")).toAbsolutePath().normalize();
        return spec.javaExecutable().toAbsolutePath().normalize().startsWith(home.resolve("bin"));
    }

    /**
     * Every option the worker's JVM will read: {@code options}, then each of {@code launcherOptions} (see
     * {@link #launcherOptions}), as the launcher splits them at white space.
     */
    static List<String> allOptions(List<String> options, String launcherOptions) {
        List<String> all = new ArrayList<>(options);
        for (String option : launcherOptions.trim().split("\\s+")) {
            if (!option.isEmpty()) {
                all.add(option);
            }
        }
        return all;
    }

    /** What the worker's {@code java} launcher adds to its options from the environment it gets. */
    static String launcherOptions(WorkerSpec spec) {
        StringBuilder options = new StringBuilder();
        for (String name : List.of("JDK_JAVA_OPTIONS", "JAVA_TOOL_OPTIONS")) {
            String value = spec.environment().containsKey(name) ? spec.environment().get(name) : System.getenv(name);
            if (value != null) {
                options.append(' ').append(value);
            }
        }
        return options.toString();
    }

    /**
     * The queue flags once more for {@code module}, when Chronicle sits in that named module of the parent's module
     * path, which the worker gets too: {@code ALL-UNNAMED} does not reach a named module. Empty for null.
     */
    static List<String> namedModuleFlags(List<String> flags, String module) {
        if (module == null) {
            return List.of();
        }
        return flags.stream().filter(flag -> flag.endsWith("=ALL-UNNAMED"))
                .map(flag -> flag.substring(0, flag.length() - "ALL-UNNAMED".length()) + module).toList();
    }

    /** The named module Chronicle's core is in here (an automatic module on the module path), or null. */
    private static String chronicleModule() {
        try {
            Module module = Class.forName("net.openhft.chronicle.core.Jvm", false, WorkerCommand.class.getClassLoader())
                    .getModule();
            return module.isNamed() ? module.getName() : null;
        } catch (ClassNotFoundException | LinkageError e) {
            return null;
        }
    }

    /**
     * The options that keep a worker's files in its folder, first on the line so that the user's options win:
     * its temp folder (the parent's own {@code java.io.tmpdir} chose where the pool folder is; what tasks put
     * in theirs goes with the pool), and its fatal-error report, which HotSpot would otherwise leave in the
     * working directory and which the parent reads for the crash report.
     */
    static List<String> folderOptions(Path folder) {
        // in -XX:ErrorFile, % starts a substitution (%p, the pid): a literal one in the path is written %%
        String errorFile = folder.resolve(ERROR_FILE_PATTERN).toString();
        String escaped = errorFile.substring(0, errorFile.length() - ERROR_FILE_PATTERN.length()).replace("%", "%%")
                + ERROR_FILE_PATTERN;
        return List.of("-Djava.io.tmpdir=" + folder.resolve(TEMP_FOLDER), "-XX:ErrorFile=" + escaped);
    }

    /**
     * Writes the argfile into {@code folder} and returns the full command. Fails, naming the character, when an
     * argument cannot be written in the encoding the worker's launcher reads.
     */
    static List<String> build(WorkerSpec spec, int workerId, Path folder) throws IOException {
        Path argFile = folder.resolve(ARG_FILE);
        Charset charset = argFileCharset();
        CharsetEncoder encoder = charset.newEncoder();
        StringBuilder text = new StringBuilder();
        Files.createDirectories(folder.resolve(TEMP_FOLDER));
        List<String> args = new ArrayList<>(folderOptions(folder));
        args.addAll(jvmArguments(spec, workerId));
        for (String arg : args) {
            requireEncodable(arg, encoder);
            text.append(Platform.quoteForArgFile(arg)).append(System.lineSeparator());
        }
        Files.writeString(argFile, text, charset);
        return List.of(spec.javaExecutable().toString(), "@" + argFile, MAIN_CLASS,
                Integer.toString(workerId), folder.toString());
    }

    /**
     * The encoding the {@code java} launcher reads an argfile in: the platform's native one ({@code sun.jnu.encoding}:
     * the locale's on Linux, UTF-8 on macOS, the ANSI code page on Windows), not UTF-8. The worker inherits the
     * parent's locale, so the parent's value is the worker's (unless {@link WorkerSpec#environment()} changes it).
     */
    static Charset argFileCharset() {
        String name = System.getProperty("sun.jnu.encoding");
        try {
            return name != null && Charset.isSupported(name) ? Charset.forName(name) : Charset.defaultCharset();
        } catch (IllegalArgumentException e) {
            return Charset.defaultCharset();
        }
    }

    private static void requireEncodable(String arg, CharsetEncoder encoder) throws IOException {
        if (encoder.canEncode(arg)) {
            return;
        }
        for (int i = 0; i < arg.length(); i += Character.charCount(arg.codePointAt(i))) {
            int codePoint = arg.codePointAt(i);
            String character = new String(Character.toChars(codePoint));
            if (!encoder.canEncode(character)) {
                throw new IOException(String.format("the worker JVM argument \"%s\" holds '%s' (U+%04X), which the"
                        + " platform encoding %s cannot represent, so the worker's java launcher could not read it;"
                        + " run under a UTF-8 locale (e.g. LANG=C.UTF-8) or avoid such characters",
                        arg, character, codePoint, encoder.charset().name()));
            }
        }
    }
}
