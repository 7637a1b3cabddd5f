package dev.procpool.it.classloading;

import dev.procpool.ProcessPoolExecutor;
import dev.procpool.SerializableCallable;
import dev.procpool.SerializableRunnable;
import dev.procpool.WorkerOutput;
import dev.procpool.it.NoLeakedWorkers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tasks whose classes come from class loaders the workers do not have (a plugin's folder, bytes in memory) run
 * with no configuration: the worker asks the parent for each class it lacks over the pool's own queues.
 * One pool of one worker serves the whole class, so both plugins' classes meet in the same worker JVM.
 */
@ExtendWith(NoLeakedWorkers.class)
@Timeout(180)
class ClassShippingTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    static Path temp;
    private static URLClassLoader pluginA;
    private static URLClassLoader pluginB;
    private static Path brokenFolder;
    private static Map<String, byte[]> generatedClasses;
    private static ProcessPoolExecutor pool;

    @BeforeAll
    static void compilePluginsAndStartPool() throws IOException {
        // spareWorkers(0): a pool shared by the class's tests must start no process between them, or the per-test
        // leak check (NoLeakedWorkers) counts the spare it starts once idle as the running test's
        pool = ProcessPoolExecutor.builder().workers(1).workerOutput(WorkerOutput.DISCARD).spareWorkers(0).build();
        Path a = PluginClasses.compile(PluginClasses.plugin("A", 2), temp.resolve("src-a"), temp.resolve("plugin-a"));
        Path b = PluginClasses.compile(PluginClasses.plugin("B", 3), temp.resolve("src-b"), temp.resolve("plugin-b"));
        brokenFolder = PluginClasses.compile(PluginClasses.pluginMissingAClass(), temp.resolve("src-c"),
                temp.resolve("plugin-c"));
        Path generated = PluginClasses.compile(PluginClasses.generated(), temp.resolve("src-gen"), temp.resolve("gen"));
        generatedClasses = PluginClasses.classFiles(generated);
        pluginA = new URLClassLoader("plugin-a", new URL[]{a.toUri().toURL()}, ClassShippingTest.class.getClassLoader());
        pluginB = new URLClassLoader("plugin-b", new URL[]{b.toUri().toURL()}, ClassShippingTest.class.getClassLoader());
    }

    @AfterAll
    static void closePoolAndLoaders() throws IOException {
        if (pool != null) {
            pool.close();
        }
        if (pluginA != null) {
            pluginA.close();
            pluginB.close();
        }
    }

    @Test
    void taskFromPluginFolder_runsInWorker_resultArrivesAsThePluginsClass() throws Exception {
        Object result = valueOf(pool.submit(job(pluginA, 21)));

        assertSame(pluginA.loadClass("com.acme.plugin.Answer"), result.getClass(),
                "the result is read with the plugin's loader, so it is the plugin's own class");
        assertEquals("A", property(result, "plugin"));
        assertEquals(42, property(result, "value"));
        assertTrue((long) property(result, "pid") != ProcessHandle.current().pid(), "it ran in a worker");
    }

    @Test
    void twoPluginsWithClassesOfTheSameName_inOneWorker_eachRunsItsOwn() throws Exception {
        for (int round = 0; round < 3; round++) {
            Object fromA = valueOf(pool.submit(job(pluginA, 10)));
            Object fromB = valueOf(pool.submit(job(pluginB, 10)));

            assertEquals(property(fromA, "pid"), property(fromB, "pid"), "the pool has one worker");
            assertEquals("A", property(fromA, "plugin"));
            assertEquals(20, property(fromA, "value"));
            assertEquals("B", property(fromB, "plugin"));
            assertEquals(30, property(fromB, "value"));
            assertSame(pluginB.loadClass("com.acme.plugin.Answer"), fromB.getClass());
        }
    }

    @Test
    void serializableLambdaDeclaredInPluginClass_runsWithThatPluginsHelper() throws Exception {
        Callable<?> fromA = (Callable<?>) staticCall(pluginA, "lambda", 1);
        Callable<?> fromB = (Callable<?>) staticCall(pluginB, "lambda", 1);

        assertEquals(201, valueOf(pool.submit(fromA)));
        assertEquals(301, valueOf(pool.submit(fromB)));
        assertEquals(201, valueOf(pool.submit(fromA)), "again, now from the worker's cache");
    }

    @Test
    void shippedClass_readsItsPluginsResource() throws Exception {
        Callable<?> readsResource = (Callable<?>) staticCall(pluginB, "readsResource");

        assertEquals("hello from plugin B (also via the context loader)", valueOf(pool.submit(readsResource)));
    }

    @Test
    void classDefinedFromBytesInMemory_servedAsResource_runsInWorker() throws Exception {
        ClassLoader inMemory = new BytesClassLoader("in-memory-serving", generatedClasses, true);
        Callable<?> task = (Callable<?>) inMemory.loadClass("gen.Generated").getConstructor().newInstance();

        String answer = (String) valueOf(pool.submit(task));

        assertTrue(answer.startsWith("made in memory, run in "), answer);
        assertTrue(!answer.endsWith(" " + ProcessHandle.current().pid()), "it ran in a worker: " + answer);
    }

    @Test
    void classDefinedInMemoryWithoutBytes_failsThatTaskSayingHowToFixIt_workerStaysAlive() throws Exception {
        long pidBefore = valueOf(pool.submit((SerializableCallable<Long>) () -> ProcessHandle.current().pid()));
        ClassLoader inMemory = new BytesClassLoader("in-memory-silent", generatedClasses, false);
        Callable<?> task = (Callable<?>) inMemory.loadClass("gen.Generated").getConstructor().newInstance();

        Throwable failure = failureOf(pool.submit(task));

        ClassNotFoundException notFound = assertInstanceOf(ClassNotFoundException.class, failure);
        String message = notFound.getMessage();
        assertTrue(message.contains("gen.Generated"), message);
        assertTrue(message.contains("'in-memory-silent'"), message);
        assertTrue(message.contains("serves no bytes"), message);
        assertTrue(message.contains("classPath(...)"), message);
        assertEquals(pidBefore, valueOf(pool.submit((SerializableCallable<Long>) () -> ProcessHandle.current().pid())),
                "the same worker serves the next task");
    }

    @Test
    void classNeitherSideHas_failsThatTaskNamingClassAndLoader_workerStaysAlive() throws Exception {
        try (URLClassLoader broken = new URLClassLoader("plugin-broken", new URL[]{brokenFolder.toUri().toURL()},
                ClassShippingTest.class.getClassLoader())) {
            Callable<?> task = (Callable<?>) broken.loadClass("com.acme.broken.NeedsGone").getConstructor().newInstance();
            Files.delete(brokenFolder.resolve("com/acme/broken/Gone.class"));
            long pidBefore = valueOf(pool.submit((SerializableCallable<Long>) () -> ProcessHandle.current().pid()));

            Throwable failure = failureOf(pool.submit(task));

            assertInstanceOf(NoClassDefFoundError.class, failure);
            ClassNotFoundException cause = assertInstanceOf(ClassNotFoundException.class, failure.getCause());
            String message = cause.getMessage();
            assertTrue(message.contains("com.acme.broken.Gone"), message);
            assertTrue(message.contains("'plugin-broken'"), message);
            assertTrue(message.contains("does not have it either"), message);
            assertEquals(pidBefore, valueOf(pool.submit((SerializableCallable<Long>) () -> ProcessHandle.current().pid())),
                    "the same worker serves the next task");
            assertEquals("A", property(valueOf(pool.submit(job(pluginA, 1))), "plugin"), "and plugin tasks still run");
        }
    }

    @Test
    void firstClassOfAPackage_bringsTheOthersAlong_soTheWorkerNeedsNoFurtherAnswer() throws Exception {
        Path folder = PluginClasses.compile(PluginClasses.plugin("P", 5), temp.resolve("src-p"), temp.resolve("plugin-p"));
        try (URLClassLoader plugin = new URLClassLoader("plugin-p", new URL[]{folder.toUri().toURL()},
                ClassShippingTest.class.getClassLoader())) {
            Callable<?> usesHelper = (Callable<?>) staticCall(plugin, "lambda", 1);
            assertEquals(25, property(valueOf(pool.submit(job(plugin, 5))), "value"), "ships Job, brings Helper along");
            Files.delete(folder.resolve("com/acme/plugin/Helper.class")); // the parent could no longer supply it

            assertEquals(501, valueOf(pool.submit(usesHelper)), "the worker had Helper already");
        }
    }

    @Test
    void initializerCapturingAPluginLambda_runsInEachWorkerWithThePluginsClasses() throws Exception {
        Runnable marksJvm = (Runnable) staticCall(pluginA, "marksJvm");
        SerializableRunnable initializer = () -> marksJvm.run(); // a class-path lambda that captures a plugin's

        try (ProcessPoolExecutor initialized = ProcessPoolExecutor.builder().workers(1)
                .workerOutput(WorkerOutput.DISCARD).initializer(initializer).build()) {
            assertEquals("initialized by plugin A, offset 200", valueOf(initialized.submit(
                    (SerializableCallable<String>) () -> System.getProperty("procpool.test.plugin"))));
        }
    }

    private static Callable<?> job(ClassLoader plugin, int input) throws ReflectiveOperationException {
        return (Callable<?>) plugin.loadClass("com.acme.plugin.Job").getConstructor(int.class).newInstance(input);
    }

    private static Object staticCall(ClassLoader plugin, String method, Object... arguments)
            throws ReflectiveOperationException {
        Class<?> job = plugin.loadClass("com.acme.plugin.Job");
        for (Method m : job.getMethods()) {
            if (m.getName().equals(method)) {
                return m.invoke(null, arguments);
            }
        }
        throw new NoSuchMethodException(method);
    }

    private static Object property(Object record, String name) throws ReflectiveOperationException {
        return record.getClass().getMethod(name).invoke(record);
    }

    private static <T> T valueOf(Future<T> future) throws Exception {
        return future.get(BOUND.toSeconds(), TimeUnit.SECONDS);
    }

    private static Throwable failureOf(Future<?> future) {
        return assertThrows(ExecutionException.class, () -> future.get(BOUND.toSeconds(), TimeUnit.SECONDS)).getCause();
    }
}
