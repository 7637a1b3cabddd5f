package dev.procpool.internal.executor;

import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * Answers a worker's request for a class or resource it lacks with the bytes from the parent's class loader
 * the task came from ({@link ParentLoaders}). Reading them runs the user's class loader, which may be slow, so
 * it happens on a thread of its own ({@code procpool-class-server}, started on the first request, gone after a
 * minute without one); the answer goes back to the scheduler thread, the only writer of a worker's task queue.
 * With the first class of a package a worker asks for, the other classes of that package in the same folder or
 * jar go along ({@link Preloads}), so a task's classes cost one round trip, not one each. The bytes travel
 * only over the worker's task queue, the pool's private channel. {@link #request} is called by the scheduler
 * thread.
 */
final class ClassServer {
    private final Consumer<Runnable> scheduler;
    private final ExecutorService reader;
    private final Preloads preloads = new Preloads();

    /** {@code scheduler} runs an action on the scheduler thread. */
    ClassServer(Consumer<Runnable> scheduler) {
        this.scheduler = scheduler;
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 1, TimeUnit.MINUTES, new LinkedBlockingQueue<>(), body -> {
            Thread thread = new Thread(body, "procpool-class-server");
            thread.setDaemon(true);
            return thread;
        });
        executor.allowCoreThreadTimeOut(true);
        this.reader = executor;
    }

    /** Scheduler thread: reads the bytes elsewhere, then ships them to {@code worker} if it still serves. */
    void request(WorkerHandle worker, ResourceRequested request) {
        try {
            reader.execute(() -> serve(worker, request));
        } catch (RejectedExecutionException e) {
            // the pool has terminated; its workers are gone
        }
    }

    /** Class-server thread. */
    private void serve(WorkerHandle worker, ResourceRequested request) {
        ShipResource answer;
        try {
            answer = answer(request);
        } catch (RuntimeException | Error e) { // an OutOfMemoryError on a huge resource, say: the worker waits
            answer = missing(request, "reading " + request.name() + " in the parent failed: " + e);
        }
        ShipResource reply = answer;
        scheduler.accept(() -> ship(worker, reply));
        if (reply.bytes() != null) {
            List<ShipResource> along;
            try {
                along = preloads.packageOf(worker, request);
            } catch (RuntimeException | Error e) { // a loader's getResource is user code; nothing goes along
                along = List.of();
            }
            if (!along.isEmpty()) {
                List<ShipResource> siblings = along;
                scheduler.accept(() -> siblings.forEach(sibling -> ship(worker, sibling)));
            }
        }
    }

    private static void ship(WorkerHandle worker, ShipResource answer) {
        try {
            worker.ship(answer);
        } catch (IOException | RuntimeException e) {
            // the worker is gone or going: its task fails or is retried as for any lost worker
            LOG.debug("procpool: could not ship {} to {}: {}", answer.name(), worker, e.toString());
        } finally {
            if (answer.bytes() != null) {
                answer.bytes().release();
            }
        }
    }

    /** The bytes of the resource as the task's loader serves them, or why there are none. Class-server thread. */
    static ShipResource answer(ResourceRequested request) {
        long id = request.loaderId();
        String name = request.name();
        ClassLoader loader = ParentLoaders.INSTANCE.loaderOf(id);
        if (loader == null) {
            return missing(request, "the parent's class loader number " + id + " is gone (garbage-collected: no class"
                    + " of it is in use any more)");
        }
        String described = ParentLoaders.describe(loader);
        try (InputStream in = loader.getResourceAsStream(name)) {
            if (in != null) {
                return new ShipResource(id, name, Payload.of(in.readAllBytes()), null);
            }
        } catch (IOException | RuntimeException e) {
            return missing(request, "reading " + name + " from the parent's class loader " + described + " failed: " + e);
        }
        if (!name.endsWith(".class")) {
            return missing(request, "the parent's class loader " + described + " has no resource " + name + " either");
        }
        String className = name.substring(0, name.length() - ".class".length()).replace('/', '.');
        if (definesInMemory(loader, className)) {
            return missing(request, "the parent's class loader " + described + " defines " + className
                    + " but serves no bytes for it (getResourceAsStream(\"" + name + "\") returned null), so the"
                    + " class was made in memory. Have that loader serve its class bytes as resources (override"
                    + " findResource or getResourceAsStream), or put the class in a jar or folder and pass it to"
                    + " classPath(...) so that workers load it themselves");
        }
        return missing(request, "the parent's class loader " + described + " does not have it either (no "
                + name + "); the task refers to a class that is on neither side");
    }

    private static boolean definesInMemory(ClassLoader loader, String className) {
        try {
            Class.forName(className, false, loader);
            return true;
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static ShipResource missing(ResourceRequested request, String why) {
        return new ShipResource(request.loaderId(), request.name(), null, why);
    }

    /** Stops the thread; a request still being read is answered to no one. */
    void close() {
        reader.shutdownNow();
    }
}
