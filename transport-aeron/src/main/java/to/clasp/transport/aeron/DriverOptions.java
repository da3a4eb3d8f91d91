package to.clasp.transport.aeron;

import java.io.File;
import java.util.Objects;

import io.aeron.driver.ThreadingMode;

/**
 * How a component (the edge, or a client) gets its media driver, with documented defaults. Shared by
 * {@link AeronEdge.Context} and {@link AeronClientTransport.Context}.
 * <ul>
 *     <li>{@link #aeronDir()}: {@code null} (default) starts an embedded driver in a fresh directory that is deleted
 *     on close; a path attaches to an external driver already running there (its threading and idle settings are
 *     then the external driver's business).</li>
 *     <li>{@link #threadingMode()}: embedded driver threading, default {@link ThreadingMode#INVOKER}: the driver has
 *     no thread of its own; its duty cycle runs inside the owner's agent, so on a 2-core machine the driver, the
 *     edge and the router core do not fight for cores (see docs/benchmarks.md §6).</li>
 *     <li>{@link #idleStrategy()}: for the owner's duty cycle and, outside INVOKER mode, the driver's threads;
 *     default {@value IdleStrategies#DEFAULT} (see {@link IdleStrategies}).</li>
 *     <li>{@link #termLength()}: term buffer length of the publications this component creates (power of two,
 *     default 1 MiB: three terms per session, and an Aeron message may be up to an eighth of it, so every CLASP
 *     frame fits).</li>
 *     <li>{@link #mtu()}: datagram payload limit of those publications (default 1408, Aeron's default, fits a
 *     1500-byte Ethernet MTU).</li>
 * </ul>
 * System properties {@code clasp.aeron.dir}, {@code clasp.aeron.threading}, {@code clasp.aeron.idle},
 * {@code clasp.aeron.term.length}, {@code clasp.aeron.mtu} override the defaults.
 */
public final class DriverOptions
{
    private String aeronDir = System.getProperty("clasp.aeron.dir");
    private ThreadingMode threadingMode = ThreadingMode.valueOf(
        System.getProperty("clasp.aeron.threading", ThreadingMode.INVOKER.name()));
    private String idleStrategy = System.getProperty("clasp.aeron.idle", IdleStrategies.DEFAULT);
    private int termLength = Integer.getInteger("clasp.aeron.term.length", 1024 * 1024);
    private int mtu = Integer.getInteger("clasp.aeron.mtu", 1408);
    private String embeddedDirParent = System.getProperty("clasp.aeron.embedded.parent");
    private long timerSlackNs = Long.getLong("clasp.aeron.timer.slack.ns", 0);

    /** Check values; called by the owner's {@code conclude()}. */
    DriverOptions conclude()
    {
        Objects.requireNonNull(threadingMode, "threadingMode");
        IdleStrategies.parse(idleStrategy);
        if (Integer.bitCount(termLength) != 1 || termLength < 64 * 1024 || termLength > 1024 * 1024 * 1024)
        {
            throw new IllegalArgumentException("termLength must be a power of two in 64 KiB..1 GiB: " + termLength);
        }
        if (mtu < 1024 || mtu > 65_504 || (mtu & 31) != 0)
        {
            throw new IllegalArgumentException("mtu must be a multiple of 32 in 1024..65504: " + mtu);
        }
        return this;
    }

    /** @return external driver directory, or null for an embedded driver (default). */
    public String aeronDir()
    {
        return aeronDir;
    }

    /** @param dir external driver directory; null = embedded driver. @return this. */
    public DriverOptions aeronDir(final String dir)
    {
        this.aeronDir = dir;
        return this;
    }

    /** @return the embedded driver's threading mode (default INVOKER). */
    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    /** @param mode embedded driver threading mode. @return this. */
    public DriverOptions threadingMode(final ThreadingMode mode)
    {
        this.threadingMode = mode;
        return this;
    }

    /** @return idle strategy name (default {@value IdleStrategies#DEFAULT}). */
    public String idleStrategy()
    {
        return idleStrategy;
    }

    /** @param spec idle strategy name, see {@link IdleStrategies}. @return this. */
    public DriverOptions idleStrategy(final String spec)
    {
        this.idleStrategy = spec;
        return this;
    }

    /** @return term buffer length of publications (default 1 MiB). */
    public int termLength()
    {
        return termLength;
    }

    /** @param bytes term buffer length, a power of two. @return this. */
    public DriverOptions termLength(final int bytes)
    {
        this.termLength = bytes;
        return this;
    }

    /** @return MTU of publications (default 1408). */
    public int mtu()
    {
        return mtu;
    }

    /** @param bytes MTU, a multiple of 32. @return this. */
    public DriverOptions mtu(final int bytes)
    {
        this.mtu = bytes;
        return this;
    }

    /**
     * @return where embedded driver directories are created: default {@code /dev/shm} when present (memory-backed,
     * as Aeron recommends), else {@code java.io.tmpdir}.
     */
    public String embeddedDirParent()
    {
        if (null != embeddedDirParent)
        {
            return embeddedDirParent;
        }
        final File shm = new File("/dev/shm");
        return shm.isDirectory() && shm.canWrite() ? shm.getPath() : System.getProperty("java.io.tmpdir");
    }

    /**
     * @return Linux timer slack for the owner's agent thread (default 0 = leave the kernel's 50 µs). A smaller slack
     * makes short parks short (see {@link TimerSlack}) but wakes the agent far more often: on a 2-core machine that
     * cost more latency than it saved (docs/benchmarks.md §6), so it is off by default.
     */
    public long timerSlackNs()
    {
        return timerSlackNs;
    }

    /** @param nanos timer slack for the agent thread; 0 = leave as is. @return this. */
    public DriverOptions timerSlackNs(final long nanos)
    {
        this.timerSlackNs = nanos;
        return this;
    }

    /** @param dir parent directory for embedded driver directories. @return this. */
    public DriverOptions embeddedDirParent(final String dir)
    {
        this.embeddedDirParent = dir;
        return this;
    }
}
