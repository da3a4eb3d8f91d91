package to.clasp.transport.ws;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import to.clasp.core.SharedCore;

/**
 * An event loop's I/O handler that also runs the router core ({@link to.clasp.core.CoreThreading#SHARED}): each loop
 * iteration polls the sockets (Netty's own handler, epoll or NIO), then runs one core duty cycle, then Netty runs the
 * loop's tasks, which include the outbound drains the core just asked for. A frame read on this loop is therefore
 * routed and its fan-out written in the same iteration, with no thread wake-up in between.
 * <p>
 * Blocking: the loop may block in its poll only when the core has nothing to do, and no longer than the core's next
 * timer. Other threads that publish into the core's ring wake the loop through {@link IoHandler#wakeup()} (an eventfd
 * write only when the loop is actually blocked). With {@code spin} the loop never blocks: it polls the sockets
 * without waiting, so the thread stays on its CPU.
 */
final class CoreHostingIoHandler implements IoHandler
{
    private final IoHandler delegate;
    private final SharedCore core;
    private final boolean spin;
    private final HostContext hostContext = new HostContext();

    CoreHostingIoHandler(final IoHandler delegate, final SharedCore core, final boolean spin)
    {
        this.delegate = delegate;
        this.core = core;
        this.spin = spin;
    }

    /**
     * A factory whose first handler hosts the core; the loops it creates after that are plain.
     */
    static IoHandlerFactory factory(final IoHandlerFactory delegate, final SharedCore core, final boolean spin)
    {
        return new IoHandlerFactory()
        {
            private boolean hosted;

            public IoHandler newHandler(final ThreadAwareExecutor ioExecutor)
            {
                final IoHandler handler = delegate.newHandler(ioExecutor);
                if (hosted)
                {
                    return handler;
                }
                hosted = true;
                return new CoreHostingIoHandler(handler, core, spin);
            }
        };
    }

    public void initialize()
    {
        delegate.initialize();
        // Runs on the loop's thread as it starts: from here on the core belongs to this thread.
        core.attach(delegate::wakeup);
    }

    public int run(final IoHandlerContext context)
    {
        hostContext.outer = context;
        final int io = delegate.run(hostContext);
        return io + core.doWork();
    }

    public void prepareToDestroy()
    {
        delegate.prepareToDestroy();
    }

    public void destroy()
    {
        core.detach();
        delegate.destroy();
    }

    public IoRegistration register(final IoHandle handle) throws Exception
    {
        return delegate.register(handle);
    }

    public void wakeup()
    {
        delegate.wakeup();
    }

    public boolean isCompatible(final Class<? extends IoHandle> handleType)
    {
        return delegate.isCompatible(handleType);
    }

    /**
     * The loop's context with the core's work and timers folded in. Netty's deadlines are in its own time base, so the
     * core's deadline is translated through the loop's delay, read at one instant.
     */
    private final class HostContext implements IoHandlerContext
    {
        IoHandlerContext outer;
        /** The core deadline last translated, and its value in the loop's time base. */
        private long convertedCoreDeadline = Long.MIN_VALUE;
        private long convertedDeadline;

        public boolean canBlock()
        {
            return !spin && outer.canBlock() && !core.hasWork();
        }

        public long delayNanos(final long currentTimeNanos)
        {
            return Math.min(outer.delayNanos(currentTimeNanos), core.nanosToNextTimer());
        }

        public long deadlineNanos()
        {
            final long loopDeadline = outer.deadlineNanos();
            final long coreDeadline = core.nextTimerDeadlineNs();
            if (coreDeadline == Long.MAX_VALUE || loopDeadline == -1)
            {
                return loopDeadline;
            }
            if (coreDeadline != convertedCoreDeadline)
            {
                // Translate once per core deadline: a value that jittered by the nanoseconds between clock readings
                // would make Netty re-arm its timerfd (a syscall) on every wait.
                convertedCoreDeadline = coreDeadline;
                final long loopDelay = outer.delayNanos(System.nanoTime());
                convertedDeadline = loopDeadline - loopDelay + core.nanosToNextTimer();
            }
            return Math.min(loopDeadline, convertedDeadline);
        }

        public void reportActiveIoTime(final long activeNanos)
        {
            outer.reportActiveIoTime(activeNanos);
        }

        public boolean shouldReportActiveIoTime()
        {
            return outer.shouldReportActiveIoTime();
        }
    }
}
