package to.clasp.transport.aeron;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.ClientOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A listener that writes back from inside the client's duty cycle, faster than one poll's worth fits the client's
 * send buffer: the send must make room itself (the thread it would wait for is its own) rather than deadlock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ListenerSendsTest
{
    private static final int COUNT = 20_000;

    @Test
    void listenerThatSendsFromTheAgentThreadNeverDeadlocks() throws Exception
    {
        try (AeronRouterFixture fixture = AeronRouterFixture.start();
             AeronClaspClient source = fixture.client("source");
             AeronClaspClient echo = AeronClaspClient.create(new ClientOptions().name("echo").reconnect(false),
                 new AeronClientTransport.Context().routerEndpoint(fixture.endpoint())
                     .sendBufferLength(64 * 1024)))
        {
            echo.connect();
            final AtomicLong echoed = new AtomicLong();
            echo.subscribe("/in/**", (address, value, revision, signal) ->
            {
                // A 200-byte reply per update: one poll's deliveries overflow the 64 KiB send buffer.
                echo.emit("/out/" + value, "x".repeat(200));
                echoed.incrementAndGet();
            });
            final Recorder out = new Recorder();
            source.subscribe("/out/**", out);
            echo.get("/in/none").handle((v, e) -> v).get(5, TimeUnit.SECONDS);
            source.get("/out/none").handle((v, e) -> v).get(5, TimeUnit.SECONDS);

            for (long i = 0; i < COUNT; i++)
            {
                source.stream("/in/x", i);
            }
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (echoed.get() < COUNT && System.nanoTime() < deadline && echo.isConnected())
            {
                Thread.sleep(10);
            }
            System.out.println("echoed " + echoed.get() + " of " + COUNT + ", replies seen " + out.size());
            assertEquals(COUNT, echoed.get(), "the echo client kept up (it would hang on a full buffer otherwise)");
            echo.set("/done", 1L);
            assertEquals(1L, echo.get("/done").get(10, TimeUnit.SECONDS), "and still talks to the router");
        }
    }
}
