package to.clasp.transport.aeron;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * LAN realism: the router and a client in two network namespaces joined by a veth pair, each side dropping 2 % of
 * the UDP packets it receives (nftables; this kernel has no netem). Aeron's NAK-based retransmission must deliver
 * every SET, in order, both ways: to a subscriber beside the router and back to the writer as echoes; the final
 * state must be the last write.
 * <p>
 * Needs root, iproute2 and nftables. Without them this test FAILS with a banner saying so: a skipped LAN test would
 * look green while proving nothing.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LossyLanTest
{
    private static final int SETS = 2_000;
    private static final int LOSS_PERCENT = 2;

    @Test
    void everySetArrivesInOrderOverALossyLink() throws Exception
    {
        final String unavailable = NetNsPair.unavailableReason();
        if (null != unavailable)
        {
            final String banner = "\n" + "#".repeat(100) + "\n### LossyLanTest CANNOT RUN: " + unavailable +
                "\n### It needs root, iproute2 and nftables to build two network namespaces; it fails rather than" +
                " pass without testing.\n" + "#".repeat(100);
            System.out.println(banner);
            fail("network namespaces unavailable: " + unavailable);
        }

        try (NetNsPair lan = NetNsPair.create(LOSS_PERCENT);
             ChildJvm router = ChildJvm.start("router", NetNsPair.in(lan.routerNs), RemoteRouterMain.class,
                 NetNsPair.ROUTER_IP + ":7331", String.valueOf(SETS)))
        {
            router.awaitLine("READY", 30_000);
            try (ChildJvm client = ChildJvm.start("client", NetNsPair.in(lan.clientNs), RemoteClientMain.class,
                "sets", NetNsPair.ROUTER_IP + ":7331", String.valueOf(SETS)))
            {
                final String echoes = client.awaitLine("ECHOES", 60_000);
                final String[] e = echoes.split(" ");
                assertEquals(String.valueOf(SETS), e[1], "echoes received by the writer: " + echoes);
                assertEquals("true", e[2], "echoes in order: " + echoes);
                assertEquals(String.valueOf(SETS - 1), e[3], "last echo: " + echoes);

                final String observed = router.awaitLine("OBSERVED", 30_000);
                final String[] o = observed.split(" ");
                assertEquals(String.valueOf(SETS), o[1], "updates seen beside the router: " + observed);
                assertEquals("true", o[2], "in order beside the router: " + observed);
                assertEquals(String.valueOf(SETS - 1), o[3], observed);

                assertEquals("FINAL " + (SETS - 1), client.awaitLine("FINAL", 15_000), "final state");
                final String[] clientNaks = client.awaitLine("NAKS", 15_000).split(" ");
                final String[] routerNaks = router.awaitLine("NAKS", 15_000).split(" ");
                final long naks = Long.parseLong(clientNaks[1]) + Long.parseLong(routerNaks[1]);
                final long retransmits = Long.parseLong(clientNaks[2]) + Long.parseLong(routerNaks[2]);
                System.out.println("Aeron loss recovery: " + naks + " NAKs sent, " + retransmits + " retransmits");
                assertTrue(naks > 0 && retransmits > 0, "lost data was recovered by NAK and retransmission");
                client.awaitLine("DONE", 15_000);
            }
            final long droppedAtRouter = lan.droppedPackets(lan.routerNs);
            final long droppedAtClient = lan.droppedPackets(lan.clientNs);
            System.out.println("UDP packets dropped: " + droppedAtRouter + " arriving at the router, " +
                droppedAtClient + " arriving at the client");
            assertTrue(droppedAtRouter + droppedAtClient > 0, "the link really lost packets");
        }
    }
}
