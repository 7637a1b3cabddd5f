package dev.procpool.internal.executor;

import dev.procpool.internal.executor.WorkerStatus.Leaving;
import dev.procpool.internal.executor.WorkerStatus.Phase;
import dev.procpool.internal.ipc.ChannelReader;
import dev.procpool.internal.ipc.ChannelWriter;
import dev.procpool.internal.ipc.Message;
import dev.procpool.internal.ipc.FileTrees;
import dev.procpool.internal.ipc.Lane;
import dev.procpool.internal.ipc.Message.ChannelsSwitched;
import dev.procpool.internal.ipc.MessageSink;
import dev.procpool.internal.ipc.MessageSource;
import dev.procpool.internal.ipc.SwitchingSource;
import dev.procpool.internal.ipc.Queues;
import dev.procpool.internal.ipc.WorkerActivityFile;
import dev.procpool.internal.launcher.WorkerProcess;
import dev.procpool.internal.launcher.WorkerSpec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The parent's end of one worker: its process, the two queues it shares with it, its activity file (the task it runs, whether it sleeps), its
 * {@link WorkerStatus}, and the tasks sent to it and not yet answered, in the order sent. This class alone owns
 * those tasks: a task is in exactly one handle's {@link #inFlight} or in the dispatcher's line.
 * {@link #start} and {@link #connect} run on starter threads; everything else on the scheduler thread, which sees the launched
 * fields through the scheduler's inbox.
 */
final class WorkerHandle {
    /** Internal, for measurements: {@code -Dprocpool.internal.startupLane=false} starts workers without a lane. */
    static final String LANE_PROPERTY = "procpool.internal.startupLane";
    /** How long after a worker's exit its lane may take to be read to the end. */
    static final long LANE_DRAIN_MS = 2_000;
    final int id;
    final Path folder;
    /**
     * Its JVM once {@link #start} has started it, else null. Volatile: set on a starter thread, and the scheduler
     * enforces the start deadline on a worker whose launch is still under way (a JVM that never connects).
     */
    volatile WorkerProcess process;
    /** Where commands go: the lane until the switch, then the task queue; set by {@link #connect}. */
    MessageSink tasks;
    /** Where events come from: the lane, then the results queue; set by {@link #connect}. */
    MessageSource results;
    private ChannelWriter taskQueue;
    private ChannelReader resultQueue;
    /** The start-up lane, or null (none offered, or the worker exited before it connected). */
    private Lane lane;
    /** Every message the lane carried has been read: only rings follow. Set on the scheduler thread. */
    private volatile boolean laneRead;
    /** The lane offered by {@link #start}, until {@link #connect} takes it; starter threads. */
    private Lane.Listener listener;
    /** Scheduler thread: {@code OpenQueues} has been sent. */
    private boolean queuesAsked;
    /** Completes once the starter thread is done with this worker: its queues opened, or failed to. */
    private final CompletableFuture<Void> launchSettled = new CompletableFuture<>();
    /** Completes when the worker says, on the lane, that its queues are open; cancelled if it exits first. */
    private final CompletableFuture<Void> workerQueuesOpen = new CompletableFuture<>();
    WorkerActivityFile activity;
    private WorkerStatus status = WorkerStatus.NEW;
    private final ArrayDeque<TaskFuture<?>> inFlight = new ArrayDeque<>();
    /** What the time-limit supervision knows of the task this worker runs. */
    final TaskWatch watch = new TaskWatch();

    /**
     * A spare is kept started but given no tasks, until a worker is lost and it takes that worker's place. A
     * role, not a phase: a spare starts, becomes ready and leaves like any worker.
     */
    boolean spare;
    /** The start deadline while starting; the stop deadline while leaving. */
    long deadlineNs;
    /** Tasks handed to this worker so far. */
    long tasksSent;
    /** When the worker last had nothing to do. */
    long idleSinceNs;
    /** Its start, step by step (parent's clock): handle made, process and queues up, handshake. */
    final long createdNs = System.nanoTime();
    long launchedNs;
    long handshakeNs;
    private final JfrEvents.WorkerStart startEvent;

    WorkerHandle(int id, Path folder) {
        this.id = id;
        this.folder = folder;
        this.startEvent = JfrEvents.workerLaunching(id);
    }

    /** Commits the flight-recorder event of this worker's start, if a recording began one. */
    void readyEvent(long readyNs) {
        if (startEvent != null) {
            startEvent.workerPid = pid();
            startEvent.spawnNs = launchedNs - createdNs;
            startEvent.handshakeNs = handshakeNs - launchedNs;
            startEvent.readyNs = readyNs - handshakeNs;
            startEvent.commit();
        }
    }

    /**
     * Offers the start-up lane and starts the JVM: the first half of a launch, which {@link #connect} ends. Kept
     * apart so that a pool's first worker can be started while the rest of the pool is still being built. When
     * this throws, {@link #launchSettled} is complete. Starter thread.
     */
    void start(WorkerSpec spec) throws IOException {
        try {
            Files.createDirectory(folder);
            Lane.Listener offered = Boolean.parseBoolean(System.getProperty(LANE_PROPERTY, "true")) ? Lane.offer(folder) : null;
            try {
                process = WorkerProcess.start(spec, id, folder);
            } catch (IOException | RuntimeException | Error e) {
                if (offered != null) {
                    offered.close();
                }
                throw e;
            }
            listener = offered;
        } catch (IOException | RuntimeException | Error e) {
            launchSettled.complete(null);
            throw e;
        }
    }

    /**
     * Ends a worker that {@link #start} started and that no pool will adopt (the pool could not be built): closes
     * its lane and kills its JVM, and returns once the JVM is gone, so that its folder can go. Once {@link #start}
     * has ended; the thread that builds the pool.
     */
    void abandon() {
        if (listener != null) {
            listener.close();
            listener = null;
        }
        if (process != null) {
            process.kill();
            process.onExit().handle((code, error) -> null).join();
        }
    }

    /**
     * With a start-up lane offered to the JVM {@link #start} started, waits for the JVM to connect to the lane:
     * the first commands and events use the lane until both sides' queues are open. The parent's ends of the
     * queues are opened on {@code opener} only once the worker says its own are open: in a new parent JVM that is
     * Chronicle's start, hundreds of milliseconds of class loading, which would otherwise take the processors
     * from the booting worker and delay its first answer (on 2 cores, 1,067 -> 775 ms to a new JVM's first
     * result). Where no lane could be offered, opens the queues here, while the JVM boots. {@link #launchSettled}
     * completes once the queues are open, failed to open or will not be opened (the worker exited first),
     * whatever happens. Starter thread, after {@link #start}.
     */
    void connect(PoolLoop loop, Executor opener) throws IOException {
        CompletableFuture<Void> opening = null;
        Lane.Listener listener = this.listener;
        this.listener = null;
        try {
            if (listener == null) {
                openQueues();
                tasks = taskQueue;
                results = resultQueue;
                return;
            }
            opening = workerQueuesOpen.thenRunAsync(() -> openQueuesBehindLane(loop), opener);
            opening.whenComplete((done, error) -> launchSettled.complete(null));
            process.onExit().whenComplete((code, error) -> {
                listener.close(); // ends the wait below
                workerQueuesOpen.cancel(false); // no queues to open for a worker that is gone
            });
            Lane connected;
            try {
                connected = listener.accept();
            } catch (IOException e) {
                if (process.isAlive()) {
                    workerQueuesOpen.cancel(false);
                    opening.handle((done, error) -> null).join(); // gone() removes the folder: not while it is filled
                    throw new IOException("its start-up lane failed: " + e, e);
                }
                // it exited before it connected: its exit and what it printed say why, as without a lane
                tasks = message -> { };
                results = () -> null;
                return;
            } finally {
                listener.close();
            }
            lane = connected;
            connected.startReading("procpool-lane-" + id, null, loop::wake); // a doorbell after the switch
            tasks = connected;
            results = new SwitchingSource(connected, ChannelsSwitched.class, () -> {
                laneRead = true;
                return resultQueue;
            });
        } finally {
            if (opening == null) {
                launchSettled.complete(null);
            }
        }
    }

    /**
     * Opens the parent's ends of the queues behind the lane, once the worker's are open, then tells the scheduler
     * thread, which ends the lane; kills the worker if they cannot be opened. On the opener.
     */
    private void openQueuesBehindLane(PoolLoop loop) {
        try {
            openQueues();
            loop.post(this::switchToQueues);
        } catch (IOException | RuntimeException e) {
            loop.post(() -> kill(Leaving.KILLED, "its queues could not be opened: " + e));
        }
    }

    /**
     * Tells a worker on its start-up lane to open its queues, once; nothing for a worker without a lane. Scheduler
     * thread, after the handshake.
     */
    void askToOpenQueues() {
        if (lane == null || queuesAsked) {
            return;
        }
        queuesAsked = true;
        try {
            lane.write(new Message.OpenQueues());
        } catch (IOException e) {
            // the worker is gone or going: its exit says the rest
        }
    }

    /** The worker says its queues are open ({@code QueuesOpened}, on the lane). Scheduler thread. */
    void workerQueuesOpened() {
        workerQueuesOpen.complete(null); // the parent opens its ends now, then switches
    }

    /** Completes once the starter threads are done with this worker's queues: opened, failed to, or never tried. */
    CompletableFuture<Void> launchSettled() {
        return launchSettled;
    }

    private void openQueues() throws IOException {
        taskQueue = ChannelWriter.open(folder.resolve("tasks"));
        resultQueue = ChannelReader.open(folder.resolve("results"));
    }

    /**
     * Once the parent's ends of the queues are open (which it opens only after the worker's): sends the lane's
     * last command; every command after it goes on the task queue, and the results are read from the queue after
     * the worker's answer. Scheduler thread.
     */
    private void switchToQueues() {
        if (tasks == taskQueue) {
            return;
        }
        try {
            lane.write(new Message.SwitchChannels());
        } catch (IOException e) {
            // the worker is gone or going: its exit says the rest
        }
        tasks = taskQueue;
    }

    /**
     * The worker's exit code, once everything it wrote can be read: its process has exited, the starter thread
     * is done with its queues (so that {@link #discard} does not race their opening), and the lane has been read
     * to its end (for at most {@link #LANE_DRAIN_MS} after the exit: a process the worker started may hold the
     * socket open), unless the scheduler had read its last message by then: only rings can follow it.
     */
    CompletableFuture<Integer> exited() {
        CompletableFuture<Integer> exit = process.onExit();
        CompletableFuture<Void> drained = lane == null ? CompletableFuture.completedFuture(null)
                : exit.handle((code, error) -> null).thenCompose(ignored -> laneRead
                        ? CompletableFuture.completedFuture(null)
                        : lane.ended().completeOnTimeout(null, LANE_DRAIN_MS, TimeUnit.MILLISECONDS));
        return exit.thenCombine(launchSettled, (code, ignored) -> code).thenCombine(drained, (code, ignored) -> code);
    }

    WorkerStatus status() {
        return status;
    }

    void advance(Phase next) {
        status = status.advance(next);
    }

    /** Records why the worker leaves (see {@link WorkerStatus#leave}). */
    void leave(Leaving why, String because) {
        status = status.leave(why, because);
    }

    /** Called on the handshake: the worker has created its activity file by then. */
    void openActivityFile() throws IOException {
        activity = WorkerActivityFile.openParentView(folder);
    }

    /** The id of the task the worker runs now, 0 for none. */
    long runningTask() {
        return activity == null ? 0 : activity.runningTask();
    }

    /**
     * The task the dead worker was running, to blame it (at most once per attempt: a task that may have started
     * must not be sent again beyond its retries). Read from the parent's own mapping of the activity slot, which
     * outlives the file's name (a task may delete its worker's folder), else from the file. When the slot cannot
     * be read (truncated), names no task in flight, or reads 0 while the task last seen running is still
     * unanswered, a task has tampered with it: the task seen running, else the oldest in flight (a worker runs
     * its tasks in order, so no other can have started), is blamed. A slot that still names the task answered
     * last means the worker died between answering and clearing it: none was running. 0: none was running.
     */
    long runningTaskAfterExit() {
        long slot;
        try {
            slot = activity != null ? activity.runningTask() : WorkerActivityFile.readRunningTask(folder);
            if (activity != null && activity.isBroken()) { // the file was cut short: the slot tells nothing
                slot = -1;
            }
        } catch (InternalError truncated) { // a fault on the mapping: the file was cut short under it
            slot = -1;
        }
        if (slot > 0 && slot == lastAnswered) {
            slot = 0; // it died after answering its last task and before clearing the slot: it ran nothing
        }
        boolean seenRunning = watch.observedTask != 0 && holdsId(watch.observedTask);
        if (slot > 0 && holdsId(slot)) {
            return slot;
        }
        if (slot == 0 && !seenRunning) {
            return 0;
        }
        if (seenRunning) {
            return watch.observedTask;
        }
        TaskFuture<?> oldest = inFlight.peekFirst();
        return oldest == null ? 0 : oldest.id();
    }

    private boolean holdsId(long taskId) {
        for (TaskFuture<?> future : inFlight) {
            if (future.id() == taskId) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why one of this worker's channels (its queues, its activity file) can no longer be trusted, or null. A
     * task runs arbitrary code in the worker and may truncate or overwrite those files: that costs this worker
     * and the task it ran, never the pool. See {@link #channelFault}.
     */
    private String channelFault;
    /** The fault may have lost an answer: when no task shows running, the oldest in flight is blamed. */
    private boolean answerLost;
    /** The task the worker answered last: its activity slot names it until the worker clears the slot. */
    private long lastAnswered;
    /** Its results queue faulted: nothing more is read from it. */
    boolean resultsUnreadable;
    /** Since when the worker has been seen running and answering nothing with tasks sent to it, or 0. */
    long stalledSinceNs;
    /** The worker's count of sleeps begun with its queue found empty, when the current stall began. */
    long emptySleepsAtStall;
    /** It was woken during the current stall. */
    boolean stallWoken;

    /**
     * A channel of this worker cannot be trusted any more: the worker is killed, and its exit is treated as a
     * crash of the task it ran (see {@link CrashHandler}); the first fault is the one reported.
     */
    void channelFault(String why, boolean mayHaveLostAnAnswer) {
        if (channelFault != null) {
            return;
        }
        channelFault = why;
        answerLost = mayHaveLostAnAnswer;
        PoolLog.LOG.warn("procpool: {} is replaced: {}", this, why);
        kill(Leaving.KILLED_OVER_TASK, why);
    }

    /** Why a channel of this worker faulted, or null. */
    String channelFault() {
        return channelFault;
    }

    boolean answerLost() {
        return answerLost;
    }

    /** Removes the oldest task in flight, or null. */
    TaskFuture<?> removeOldest() {
        return inFlight.pollFirst();
    }

    /** Hands a task to the worker; it then belongs to this worker until answered, requeued or failed. */
    void send(TaskFuture<?> task) throws IOException {
        tasks.write(new Message.RunTask(task.id(), task.task(), task.capturesOutput()));
        wakeIfSleeping();
        track(task);
        process.busy(true);
    }

    /** Answers the worker's request for a class or resource; does nothing once the worker has exited. */
    void ship(Message.ShipResource answer) throws IOException {
        if (tasks != null && !status.is(Phase.EXITED)) {
            tasks.write(answer);
        }
    }

    /** Records a task as sent to this worker. */
    void track(TaskFuture<?> task) {
        inFlight.add(task);
        tasksSent++;
    }

    /**
     * True when this worker rings its lane after writing to its results queue, if asked to ({@link #wantRing}):
     * it reads and writes its queues, and its lane, kept open after the switch, has not ended. Scheduler thread.
     */
    boolean rings() {
        return laneRead && !lane.isClosed() && activity != null && !activity.isBroken();
    }

    /**
     * Before the scheduler parks while this worker computes: asks it to ring when it next writes to its results
     * queue. False when it cannot be asked (its activity file was cut short). Scheduler thread.
     */
    boolean wantRing() {
        return activity.wantRing();
    }

    /** After writing to the queue: a worker that announced sleep is woken through its control pipe. */
    void wakeIfSleeping() {
        if (activity != null && activity.isSleeping()) {
            process.send(new Message.Wake());
        }
    }

    int load() {
        return inFlight.size();
    }

    boolean isIdle() {
        return inFlight.isEmpty();
    }

    boolean holds(TaskFuture<?> future) {
        return inFlight.contains(future);
    }

    /** The tasks in flight, oldest first; the caller must not keep it. */
    Iterable<TaskFuture<?>> inFlight() {
        return inFlight;
    }

    /** The oldest task in flight: the one running or next to run, or null. */
    TaskFuture<?> oldest() {
        return inFlight.peekFirst();
    }

    /** Removes the answered task (its bytes are kept); null when it is no longer tracked. */
    TaskFuture<?> answered(long taskId) {
        lastAnswered = taskId;
        for (Iterator<TaskFuture<?>> it = inFlight.iterator(); it.hasNext(); ) {
            TaskFuture<?> future = it.next();
            if (future.id() == taskId) {
                it.remove();
                if (inFlight.isEmpty()) {
                    idleSinceNs = System.nanoTime();
                    process.busy(false);
                }
                return future;
            }
        }
        return null;
    }

    /** Removes and returns the task with this id if it is in flight here (a crashed worker's running task). */
    TaskFuture<?> remove(long taskId) {
        for (Iterator<TaskFuture<?>> it = inFlight.iterator(); it.hasNext(); ) {
            TaskFuture<?> future = it.next();
            if (future.id() == taskId) {
                it.remove();
                return future;
            }
        }
        return null;
    }

    /** Removes the newest task in flight, or null: a gone worker's tasks go back in line newest first. */
    TaskFuture<?> removeNewest() {
        return inFlight.pollLast();
    }

    /**
     * Work stealing: asks for the last task sent ahead and not started back, with a cancel that never
     * interrupts; the worker answers TaskCancelled and the dispatcher requeues it. False if there is none to ask.
     */
    boolean askBackLastUnstarted() {
        TaskFuture<?> last = inFlight.peekLast();
        if (inFlight.size() < 2 || !status.isServing() || last.stealing || last.isDone()) {
            return false;
        }
        last.stealing = true;
        process.send(new Message.CancelTask(last.id(), false));
        return true;
    }

    /** Asks the worker to finish what it was sent and exit cleanly; it is killed if not gone by the grace. */
    void retire(String reason, long graceNs) {
        try {
            tasks.write(new Message.Shutdown());
            wakeIfSleeping();
            leave(Leaving.RETIRED, reason);
            deadlineNs = System.nanoTime() + graceNs;
        } catch (IOException | RuntimeException e) {
            kill(Leaving.KILLED, reason + "; it could not be told to stop: " + e);
        }
    }

    void kill(Leaving why, String reason) {
        leave(why, reason);
        if (process != null) {
            process.kill();
        }
    }

    long pid() {
        return process == null ? -1 : process.pid();
    }

    /** Ready, not leaving and not a spare: may be given tasks. */
    boolean accepting() {
        return status.isServing() && !spare;
    }

    /** Closes the parent's queues and deletes the folder; call once the process has exited. */
    void discard() {
        status = status.advance(Phase.EXITED);
        if (lane != null) {
            lane.close();
        }
        if (taskQueue != null) {
            taskQueue.close();
        }
        if (resultQueue != null) {
            resultQueue.close();
        }
        if (activity != null) {
            activity.close();
        }
        activity = null;
        Queues.releaseClosedQueues();
        FileTrees.deleteTree(folder);
    }

    @Override
    public String toString() {
        return "worker " + id + (process == null ? "" : " (pid " + process.pid() + ")");
    }

    /** The time-limit supervision's record of one worker's running task; see {@link TimeLimits}. */
    static final class TaskWatch {
        /** The task the slot showed last, and since when (parent's clock). */
        long observedTask;
        long observedSinceNs;
        /** A task that was interrupted (time limit, cancel) and the time by which it must have ended. */
        long interruptedTask;
        long killAtNs;
    }
}
