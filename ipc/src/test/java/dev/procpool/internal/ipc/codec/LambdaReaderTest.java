package dev.procpool.internal.ipc.codec;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

/** The reader's lambda caches: they save lookups, and keep no class loader alive. */
class LambdaReaderTest {

    @Test
    void loaderUsedOnlyToDecodeLambda_becomesCollectable() throws Exception {
        Payload payload = TaskCodec.encode(LambdaFixture.plusOne(41));
        WeakReference<ClassLoader> loader = decodeWithLoaderOfItsOwn(payload);
        await("the loader to be collected")
                .atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    System.gc();
                    return loader.get() == null;
                });
    }

    /** Decodes in a loader that defines the capturing class itself; nothing of it may stay reachable. */
    private static WeakReference<ClassLoader> decodeWithLoaderOfItsOwn(Payload payload) throws Exception {
        OwnCopyLoader loader = new OwnCopyLoader(LambdaReaderTest.class.getClassLoader());
        Callable<?> task = (Callable<?>) TaskCodec.decode(payload, loader);
        assertEquals(42, task.call());
        assertSame(loader, task.getClass().getClassLoader(), "the lambda belongs to the loader's own copy");
        assertNotSame(LambdaFixture.class, loader.loadClass(LambdaFixture.class.getName()));
        return new WeakReference<>(loader);
    }

    @Test
    void sameLambdaDecodedAgain_evenAfterAnother_resolvesCapturingClassOnce() throws Exception {
        Payload plusOne = TaskCodec.encode(LambdaFixture.plusOne(1));
        Payload timesTwo = TaskCodec.encode(LambdaFixture.timesTwo(3));
        CountingLoader loader = new CountingLoader(getClass().getClassLoader());
        for (int i = 0; i < 3; i++) {
            assertEquals(2, ((Callable<?>) TaskCodec.decode(plusOne, loader)).call());
            assertEquals(6, ((Callable<?>) TaskCodec.decode(timesTwo, loader)).call());
        }
        assertEquals(1, loader.fixtureRequests.get(), "one resolution for both call sites of one class");
    }

    /** Defines its own copy of {@link LambdaFixture}; everything else comes from its parent. */
    static final class OwnCopyLoader extends ClassLoader {
        OwnCopyLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (!name.equals(LambdaFixture.class.getName())) {
                return super.loadClass(name, resolve);
            }
            synchronized (getClassLoadingLock(name)) {
                Class<?> loaded = findLoadedClass(name);
                if (loaded != null) {
                    return loaded;
                }
                try (InputStream in = getParent().getResourceAsStream(name.replace('.', '/') + ".class")) {
                    byte[] bytes = in.readAllBytes();
                    return defineClass(name, bytes, 0, bytes.length);
                } catch (IOException e) {
                    throw new ClassNotFoundException(name, e);
                }
            }
        }
    }

    /** Counts how often it is asked for {@link LambdaFixture}. */
    static final class CountingLoader extends ClassLoader {
        final AtomicInteger fixtureRequests = new AtomicInteger();

        CountingLoader(ClassLoader parent) {
            super(parent);
        }

        @Override
        protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
            if (name.equals(LambdaFixture.class.getName())) {
                fixtureRequests.incrementAndGet();
            }
            return super.loadClass(name, resolve);
        }
    }
}
