package to.clasp.transport.aeron;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;

/**
 * Two network namespaces joined by a veth pair ({@link #ROUTER_IP} and {@link #CLIENT_IP} on a /24), each dropping
 * a share of the UDP packets it receives with an nftables rule. Names carry a random suffix so parallel runs never
 * collide; {@link #close()} (also run from a shutdown hook) deletes both namespaces, which removes the veth pair.
 * Needs root, iproute2 and nftables ({@code .ci/run} installs them).
 */
final class NetNsPair implements AutoCloseable
{
    static final String ROUTER_IP = "10.231.7.1";
    static final String CLIENT_IP = "10.231.7.2";
    private static final String TABLE = "clasp_loss";

    final String routerNs;
    final String clientNs;
    private final Thread cleanup;
    private boolean closed;

    private NetNsPair(final String suffix)
    {
        this.routerNs = "clasp-r-" + suffix;
        this.clientNs = "clasp-c-" + suffix;
        this.cleanup = new Thread(this::deleteQuietly, "netns-cleanup-" + suffix);
    }

    /**
     * Create both namespaces, the veth pair and the loss rules.
     *
     * @param lossPercent share of received UDP packets each namespace drops (0 = none).
     */
    static NetNsPair create(final int lossPercent) throws IOException, InterruptedException
    {
        final String suffix = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
        final NetNsPair pair = new NetNsPair(suffix);
        Runtime.getRuntime().addShutdownHook(pair.cleanup);
        try
        {
            final String vethRouter = "vr" + suffix;
            final String vethClient = "vc" + suffix;
            run("ip", "netns", "add", pair.routerNs);
            run("ip", "netns", "add", pair.clientNs);
            run("ip", "link", "add", vethRouter, "type", "veth", "peer", "name", vethClient);
            run("ip", "link", "set", vethRouter, "netns", pair.routerNs);
            run("ip", "link", "set", vethClient, "netns", pair.clientNs);
            run("ip", "-n", pair.routerNs, "addr", "add", ROUTER_IP + "/24", "dev", vethRouter);
            run("ip", "-n", pair.clientNs, "addr", "add", CLIENT_IP + "/24", "dev", vethClient);
            for (final String[] nsDev : new String[][]{{pair.routerNs, vethRouter}, {pair.clientNs, vethClient}})
            {
                run("ip", "-n", nsDev[0], "link", "set", "lo", "up");
                run("ip", "-n", nsDev[0], "link", "set", nsDev[1], "up");
                if (lossPercent > 0)
                {
                    run("ip", "netns", "exec", nsDev[0], "nft", "add", "table", "inet", TABLE);
                    run("ip", "netns", "exec", nsDev[0], "nft",
                        "add chain inet " + TABLE + " in { type filter hook input priority 0; }");
                    // Only traffic from the other namespace (the veth): loopback inside a namespace stays lossless.
                    run("ip", "netns", "exec", nsDev[0], "nft", "add", "rule", "inet", TABLE, "in",
                        "iifname", nsDev[1], "meta", "l4proto", "udp",
                        "numgen", "random", "mod", "100", "<", String.valueOf(lossPercent), "counter", "drop");
                }
            }
            return pair;
        }
        catch (final IOException | InterruptedException | RuntimeException ex)
        {
            pair.close();
            throw ex;
        }
    }

    /** @return the command prefix that runs a program inside {@code ns}. */
    static List<String> in(final String ns)
    {
        return List.of("ip", "netns", "exec", ns);
    }

    /** @return UDP packets the loss rule in {@code ns} has dropped so far. */
    long droppedPackets(final String ns) throws IOException, InterruptedException
    {
        final String listing = run("ip", "netns", "exec", ns, "nft", "list", "table", "inet", TABLE);
        final Matcher m = java.util.regex.Pattern.compile("counter packets (\\d+)").matcher(listing);
        return m.find() ? Long.parseLong(m.group(1)) : 0;
    }

    /** @return whether this machine can build namespaces (root, iproute2, nftables), with the reason if not. */
    static String unavailableReason()
    {
        try
        {
            final String uid = run("id", "-u").trim();
            if (!"0".equals(uid))
            {
                return "not running as root (uid " + uid + ")";
            }
        }
        catch (final Exception ex)
        {
            return "cannot tell the user id: " + ex.getMessage();
        }
        for (final String tool : new String[]{"ip", "nft"})
        {
            try
            {
                run("sh", "-c", "command -v " + tool);
            }
            catch (final Exception ex)
            {
                return "'" + tool + "' not installed (apt-get install -y iproute2 nftables)";
            }
        }
        return null;
    }

    static String run(final String... command) throws IOException, InterruptedException
    {
        final Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(20, TimeUnit.SECONDS) || 0 != p.exitValue())
        {
            throw new IOException(String.join(" ", command) + " failed: " + out.trim());
        }
        return out;
    }

    private void deleteQuietly()
    {
        final List<String> errors = new ArrayList<>();
        for (final String ns : new String[]{clientNs, routerNs})
        {
            try
            {
                run("ip", "netns", "del", ns);
            }
            catch (final Exception ex)
            {
                errors.add(ex.getMessage());
            }
        }
        if (!errors.isEmpty())
        {
            System.out.println("netns cleanup: " + errors);
        }
    }

    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        deleteQuietly();
        try
        {
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
        catch (final IllegalStateException ignore)
        {
            // already shutting down: the hook runs anyway
        }
    }
}
