package dev.procpool.it.classloading;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Plugin classes for the class-shipping tests, compiled at test time with the JDK's compiler into folders that
 * are on no class path (neither the test JVM's nor a worker's), as a plugin system's classes are. They use only
 * JDK types, so they compile without procpool. Each plugin has the same class names with different behaviour.
 */
final class PluginClasses {
    private PluginClasses() {
    }

    /** A plugin's sources: {@code com.acme.plugin.Job}, its result record, a helper, a resource. */
    static Map<String, String> plugin(String name, int factor) {
        Map<String, String> sources = new HashMap<>();
        sources.put("com/acme/plugin/Job.java", """
                package com.acme.plugin;

                import java.io.InputStream;
                import java.io.Serializable;
                import java.nio.charset.StandardCharsets;
                import java.util.concurrent.Callable;

                public class Job implements Callable<Object>, Serializable {
                    private final int input;

                    public Job(int input) {
                        this.input = input;
                    }

                    @Override
                    public Object call() throws Exception {
                        return new Answer("%1$s", input * %2$d, ProcessHandle.current().pid());
                    }

                    /** A serializable lambda declared in this plugin class; it calls a helper of the plugin. */
                    public static Callable<Integer> lambda(int x) {
                        return (Callable<Integer> & Serializable) () -> x + Helper.offset();
                    }

                    /** Marks the JVM it runs in, with the plugin's helper; a pool initializer. */
                    public static Runnable marksJvm() {
                        return (Runnable & Serializable) () -> System.setProperty("procpool.test.plugin",
                                "initialized by plugin %1$s, offset " + Helper.offset());
                    }

                    /** Reads the plugin's resource, through the class and through the context loader. */
                    public static Callable<String> readsResource() {
                        return (Callable<String> & Serializable) () -> {
                            try (InputStream in = Job.class.getResourceAsStream("message.txt")) {
                                String viaClass = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                                boolean viaContext = Thread.currentThread().getContextClassLoader()
                                        .getResource("com/acme/plugin/message.txt") != null;
                                return viaClass + (viaContext ? " (also via the context loader)" : "");
                            }
                        };
                    }
                }
                """.formatted(name, factor));
        sources.put("com/acme/plugin/Answer.java", """
                package com.acme.plugin;

                public record Answer(String plugin, int value, long pid) implements java.io.Serializable {
                }
                """);
        sources.put("com/acme/plugin/Helper.java", """
                package com.acme.plugin;

                class Helper {
                    static int offset() {
                        return %d;
                    }
                }
                """.formatted(factor * 100));
        sources.put("com/acme/plugin/message.txt", "hello from plugin " + name);
        return sources;
    }

    /** A task whose call needs a class that is then removed from the plugin's folder. */
    static Map<String, String> pluginMissingAClass() {
        return Map.of("com/acme/broken/NeedsGone.java", """
                package com.acme.broken;

                public class NeedsGone implements java.util.concurrent.Callable<Object>, java.io.Serializable {
                    @Override
                    public Object call() {
                        return Gone.make();
                    }
                }
                """, "com/acme/broken/Gone.java", """
                package com.acme.broken;

                public class Gone {
                    public static Object make() {
                        return "never";
                    }
                }
                """);
    }

    /** A task class for a loader that defines classes from bytes in memory. */
    static Map<String, String> generated() {
        return Map.of("gen/Generated.java", """
                package gen;

                public class Generated implements java.util.concurrent.Callable<Object>, java.io.Serializable {
                    @Override
                    public Object call() {
                        return "made in memory, run in " + ProcessHandle.current().pid();
                    }
                }
                """);
    }

    /** Compiles the {@code .java} entries of {@code sources} into {@code out} and copies the others there. */
    static Path compile(Map<String, String> sources, Path src, Path out) throws IOException {
        List<Path> javaFiles = new ArrayList<>();
        for (Map.Entry<String, String> entry : sources.entrySet()) {
            Path file = (entry.getKey().endsWith(".java") ? src : out).resolve(entry.getKey());
            Files.createDirectories(file.getParent());
            Files.writeString(file, entry.getValue(), StandardCharsets.UTF_8);
            if (entry.getKey().endsWith(".java")) {
                javaFiles.add(file);
            }
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        List<String> arguments = new ArrayList<>(List.of("--release", "17", "-d", out.toString()));
        javaFiles.forEach(file -> arguments.add(file.toString()));
        ByteArrayOutputStream errors = new ByteArrayOutputStream();
        int code = compiler.run(null, errors, errors, arguments.toArray(String[]::new));
        if (code != 0) {
            throw new IllegalStateException("compiling plugin classes failed: " + errors.toString(StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The class files under {@code folder}, by class name. */
    static Map<String, byte[]> classFiles(Path folder) {
        Map<String, byte[]> classes = new HashMap<>();
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".class")).toList()) {
                String relative = folder.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
                classes.put(relative.substring(0, relative.length() - ".class".length()), Files.readAllBytes(file));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }
}
