package dev.procpool.internal.executor;

import dev.procpool.PoolStats;
import dev.procpool.ProcessPoolMXBean;

import javax.management.InstanceAlreadyExistsException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;
import java.lang.management.ManagementFactory;
import java.util.function.Supplier;

import static dev.procpool.internal.executor.PoolLog.LOG;

/**
 * The pool's {@link ProcessPoolMXBean} on the platform MBean server, as
 * {@code dev.procpool:type=ProcessPool,name=<pool name>} (with {@code -2}, {@code -3}, ... added to the name
 * while another open pool has it). Registered when the pool starts and unregistered when it terminates;
 * failing to register is logged, never fatal. Its getters run on JMX threads and read {@code stats()}.
 */
final class PoolMBean implements ProcessPoolMXBean {
    private final String name;
    private final Supplier<PoolStats> stats;
    private ObjectName registered;
    /** Set by {@link #unregister}: the pool has ended, and a registration that comes after it does nothing. */
    private boolean closed;

    PoolMBean(String name, Supplier<PoolStats> stats) {
        this.name = name;
        this.stats = stats;
    }

    /** The name under which a pool named {@code poolName} registers; quoted only when it has to be. */
    static ObjectName objectName(String poolName) throws JMException {
        String value = poolName.matches("[A-Za-z0-9._@#-]+") ? poolName : ObjectName.quote(poolName);
        return new ObjectName("dev.procpool:type=ProcessPool,name=" + value);
    }

    synchronized void register() {
        if (closed) { // the pool ended before its caller got here (its workers could not start, say)
            return;
        }
        MBeanServer server = ManagementFactory.getPlatformMBeanServer();
        try {
            StandardMBean bean = new StandardMBean(this, ProcessPoolMXBean.class, true);
            for (int n = 1; registered == null; n++) {
                ObjectName candidate = objectName(n == 1 ? name : name + "-" + n);
                try {
                    server.registerMBean(bean, candidate);
                    registered = candidate;
                } catch (InstanceAlreadyExistsException taken) {
                    // another open pool has this name: try the next
                }
            }
        } catch (JMException | RuntimeException e) {
            LOG.warn("procpool: could not register the pool's MXBean ({}); the pool works without it", e.toString());
        }
    }

    synchronized void unregister() {
        closed = true;
        if (registered == null) {
            return;
        }
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(registered);
        } catch (JMException | RuntimeException e) {
            LOG.debug("procpool: could not unregister {}: {}", registered, e.toString());
        }
        registered = null;
    }

    @Override
    public String getName() {
        return name;
    }

    @Override
    public int getWorkers() {
        return stats.get().workers();
    }

    @Override
    public int getStartingWorkers() {
        return stats.get().startingWorkers();
    }

    @Override
    public int getIdleWorkers() {
        return stats.get().idleWorkers();
    }

    @Override
    public int getBusyWorkers() {
        return stats.get().busyWorkers();
    }

    @Override
    public long getQueuedTasks() {
        return stats.get().queuedTasks();
    }

    @Override
    public long getRunningTasks() {
        return stats.get().runningTasks();
    }

    @Override
    public long getCompletedTasks() {
        return stats.get().completedTasks();
    }

    @Override
    public long getFailedTasks() {
        return stats.get().failedTasks();
    }

    @Override
    public long getCancelledTasks() {
        return stats.get().cancelledTasks();
    }

    @Override
    public long getCrashes() {
        return stats.get().crashes();
    }

    @Override
    public long getRestarts() {
        return stats.get().restarts();
    }

    @Override
    public long getUptimeMillis() {
        return stats.get().uptime().toMillis();
    }
}
