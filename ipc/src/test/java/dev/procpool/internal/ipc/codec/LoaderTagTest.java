package dev.procpool.internal.ipc.codec;

import dev.procpool.internal.ipc.codec.LambdaReaderTest.OwnCopyLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/** A value whose classes come from a numbered loader carries the number, and is read with the other side's loader for it. */
class LoaderTagTest {
    @TempDir
    Path folder;

    /** Numbers exactly one loader. */
    private record OneLoader(ClassLoader loader, long id) implements ClassLoaderTable {
        @Override
        public long idOf(ClassLoader l) {
            return l == loader ? id : 0;
        }

        @Override
        public ClassLoader loaderOf(long i) {
            return i == id ? loader : null;
        }
    }

    private static Callable<?> plusOneFrom(ClassLoader loader, int x) throws Exception {
        return (Callable<?>) loader.loadClass(LambdaFixture.class.getName()).getMethod("plusOne", int.class).invoke(null, x);
    }

    @Test
    void lambdaOfNumberedLoader_carriesItsNumber_andIsReadWithTheOtherSidesLoader() throws Exception {
        ClassLoader parentSide = new OwnCopyLoader(getClass().getClassLoader());
        ClassLoader workerSide = new OwnCopyLoader(getClass().getClassLoader());

        Payload payload = TaskCodec.encode(plusOneFrom(parentSide, 41), new OneLoader(parentSide, 7));
        assertEquals(7, TaskCodec.loaderIdOf(payload));
        Callable<?> copy = (Callable<?>) TaskCodec.decode(payload, getClass().getClassLoader(), new OneLoader(workerSide, 7));

        assertEquals(42, copy.call());
        assertSame(workerSide, copy.getClass().getClassLoader());
    }

    @Test
    void sharedClassesOnly_carryNoNumber_andEncodeAsBefore() throws Exception {
        OneLoader table = new OneLoader(new OwnCopyLoader(getClass().getClassLoader()), 7);
        ArrayList<Object> shared = new ArrayList<>(List.of(1, List.of("a")));

        assertEquals(0, TaskCodec.loaderIdOf(TaskCodec.encode(shared, table)));
        assertArrayEquals(TaskCodec.encode(shared).toByteArray(), TaskCodec.encode(shared, table).toByteArray());
        assertArrayEquals(TaskCodec.encode(42).toByteArray(), TaskCodec.encode(42, table).toByteArray());
    }

    @Test
    void numberedValueInsideJdkSerializedGraph_isFoundByItsClassDescriptor() throws Exception {
        ClassLoader parentSide = new OwnCopyLoader(getClass().getClassLoader());
        ArrayList<Object> mixed = new ArrayList<>(List.of("shared", new Holder(plusOneFrom(parentSide, 1))));

        Payload payload = TaskCodec.encode(mixed, new OneLoader(parentSide, 3));

        assertEquals(3, TaskCodec.loaderIdOf(payload), "the loader that sees every class of the graph");
    }

    @Test
    void numberedPayloadInAFile_isReadWithTheOtherSidesLoader() throws Exception {
        ClassLoader parentSide = new OwnCopyLoader(getClass().getClassLoader());
        ClassLoader workerSide = new OwnCopyLoader(getClass().getClassLoader());
        Payload inMemory = TaskCodec.encode(new Holder(plusOneFrom(parentSide, 9)), new OneLoader(parentSide, 5));
        Path file = folder.resolve("payload-1.bin");
        try (InputStream in = inMemory.openStream()) {
            Files.write(file, in.readAllBytes());
        }
        Payload inFile = Payload.inFile(file, inMemory.length());

        assertEquals(5, TaskCodec.loaderIdOf(inFile));
        Holder copy = (Holder) TaskCodec.decode(inFile, getClass().getClassLoader(), new OneLoader(workerSide, 5));

        assertEquals(10, copy.task().call());
        assertSame(workerSide, copy.task().getClass().getClassLoader());
    }

    @Test
    void numberTheOtherSideDoesNotKnow_fallsBackToTheCallersLoader() throws Exception {
        ClassLoader parentSide = new OwnCopyLoader(getClass().getClassLoader());
        Payload payload = TaskCodec.encode(plusOneFrom(parentSide, 1), new OneLoader(parentSide, 7));

        Callable<?> copy = (Callable<?>) TaskCodec.decode(payload, getClass().getClassLoader(), ClassLoaderTable.NONE);

        assertEquals(2, copy.call());
        assertSame(getClass().getClassLoader(), copy.getClass().getClassLoader());
    }

    @Test
    void collector_prefersTheLoaderThatSeesTheOthers_elseTheFirst() {
        ClassLoader app = getClass().getClassLoader();
        ClassLoader plugin = new OwnCopyLoader(app);
        ClassLoader child = new OwnCopyLoader(plugin);
        ClassLoader unrelated = new OwnCopyLoader(app);

        assertNull(collect().mostSpecific(), "nothing noted");
        assertSame(child, collect(plugin, child).mostSpecific());
        assertSame(child, collect(child, plugin).mostSpecific());
        assertSame(plugin, collect(plugin, unrelated).mostSpecific(), "unrelated: the value's own class's loader");
    }

    private static LoaderCollector collect(ClassLoader... loaders) {
        LoaderCollector collector = new LoaderCollector();
        for (ClassLoader loader : loaders) {
            collector.add(new Object() {
            }.getClass()); // a shared class: skipped
            collector.add(classOf(loader));
        }
        return collector;
    }

    /** A class defined by {@code loader} itself. */
    private static Class<?> classOf(ClassLoader loader) {
        try {
            return loader.loadClass(LambdaFixture.class.getName());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A JDK-serialized value that holds a lambda. */
    record Holder(Callable<?> task) implements Serializable {
    }
}
