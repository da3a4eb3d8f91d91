package to.clasp.transport.aeron;

import java.io.File;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import to.clasp.client.ClientOptions;
import to.clasp.core.Router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code --aeron-dir}: the edge and a client attach to a media driver someone else runs (here one SHARED-mode
 * driver for both), and closing them leaves that driver and its directory alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ExternalDriverTest
{
    @Test
    void edgeAndClientRunOnAnExternalDriver() throws Exception
    {
        final String dir = new File(System.getProperty("java.io.tmpdir"), "external-" + UUID.randomUUID()).getPath();
        try (MediaDriver driver = MediaDriver.launch(new MediaDriver.Context().aeronDirectoryName(dir)
            .threadingMode(ThreadingMode.SHARED).dirDeleteOnStart(true).dirDeleteOnShutdown(true)))
        {
            final Router router = Router.launch(new Router.Context());
            final AeronEdge edge = AeronEdge.launch(new AeronEdge.Context().endpoint("127.0.0.1:0")
                .driver(new DriverOptions().aeronDir(dir)), router.inboundPort());
            try
            {
                assertEquals(dir, edge.aeronDirectory());
                try (AeronClaspClient client = AeronClaspClient.create(new ClientOptions().reconnect(false),
                    new AeronClientTransport.Context().routerEndpoint(edge.localEndpoint())
                        .driver(new DriverOptions().aeronDir(dir))))
                {
                    assertEquals(dir, client.transport().aeronDirectory());
                    client.connect();
                    client.set("/ext/x", 3L);
                    assertEquals(3L, client.get("/ext/x").get(5, TimeUnit.SECONDS));
                }
            }
            finally
            {
                edge.stopAccepting();
                router.close();
                edge.close();
            }
            assertTrue(new File(dir).isDirectory(), "the external driver's directory is not ours to delete");
        }
    }
}
