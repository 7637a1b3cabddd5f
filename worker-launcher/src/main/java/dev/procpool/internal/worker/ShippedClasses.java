package dev.procpool.internal.worker;

import dev.procpool.internal.ipc.MessageSink;
import dev.procpool.internal.ipc.Message.ResourceRequested;
import dev.procpool.internal.ipc.Message.ShipResource;
import dev.procpool.internal.ipc.codec.ClassLoaderTable;
import dev.procpool.internal.ipc.codec.Payload;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The worker's side of class shipping: one {@link ShippingLoader} per class loader of the parent that a task
 * came from, and the round trip that fetches a class's or resource's bytes from the parent over the pool's own
 * queues. What was fetched is kept for the worker's life (a class once defined, a resource's bytes, and a miss),
 * so each name costs at most one round trip per worker; a class the parent sent along with another of its
 * package costs none. Thread-safe: any thread of a task may load a class.
 */
final class ShippedClasses implements ClassLoaderTable {
    /** Long enough for a parent busy in a slow class loader; a parent that is gone ends the worker anyway. */
    private static final long ANSWER_TIMEOUT_NS = TimeUnit.MINUTES.toNanos(2);

    private final ClassLoader parent;
    private final MessageSink requests;
    private final TaskInbox answers;
    private final Map<Long, ShippingLoader> loaders = new ConcurrentHashMap<>();
    /** Per loader id and resource name: the bytes, or the parent's reason for having none. */
    private final Map<String, CompletableFuture<Fetched>> fetched = new ConcurrentHashMap<>();

    /** A resource's bytes, or why there are none. */
    record Fetched(byte[] bytes, String missing) {
    }

    ShippedClasses(ClassLoader parent, MessageSink requests, TaskInbox answers) {
        this.parent = parent;
        this.requests = requests;
        this.answers = answers;
    }

    @Override
    public long idOf(ClassLoader loader) {
        return loader instanceof ShippingLoader shipping && shipping.classes() == this ? shipping.id() : 0;
    }

    @Override
    public ClassLoader loaderOf(long id) {
        return id == 0 ? null : loaders.computeIfAbsent(id, i -> new ShippingLoader(i, parent, this));
    }

    /**
     * The bytes of {@code name} from the parent's loader {@code loaderId}: asked once, then kept. A class's bytes
     * are asked for only once anyway: the loader keeps the class it defined from them.
     */
    Fetched fetch(long loaderId, String name) {
        String key = loaderId + "/" + name;
        CompletableFuture<Fetched> mine = new CompletableFuture<>();
        CompletableFuture<Fetched> known = fetched.putIfAbsent(key, mine);
        if (known != null) {
            return known.join();
        }
        Fetched result;
        try {
            result = ask(loaderId, name);
        } catch (RuntimeException | Error e) {
            fetched.remove(key, mine);
            mine.completeExceptionally(e);
            throw e;
        }
        if (name.endsWith(".class") && result.bytes() != null) {
            fetched.remove(key, mine); // the class is kept by its loader; later asks of the same name are rare
        }
        mine.complete(result);
        return result;
    }

    private Fetched ask(long loaderId, String name) {
        ShipResource sent = answers.take(loaderId, name);
        if (sent != null) {
            return fetched(sent);
        }
        try {
            requests.write(new ResourceRequested(loaderId, name));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot ask the parent for " + name, e);
        }
        ShipResource answer = answers.await(loaderId, name, ANSWER_TIMEOUT_NS);
        if (answer == null) {
            return new Fetched(null, "the parent did not answer within "
                    + TimeUnit.NANOSECONDS.toSeconds(ANSWER_TIMEOUT_NS) + " s");
        }
        return fetched(answer);
    }

    private static Fetched fetched(ShipResource answer) {
        Payload bytes = answer.bytes();
        if (bytes == null) {
            return new Fetched(null, answer.missing());
        }
        try {
            return new Fetched(bytes.isInFile() ? readAll(bytes) : bytes.toByteArray(), null);
        } finally {
            bytes.release();
        }
    }

    private static byte[] readAll(Payload payload) {
        try (InputStream in = payload.openStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the shipped bytes in " + payload, e);
        }
    }
}
