package to.clasp.reliability;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * TCP connections to the WebSocket port that never send a byte, held by a process of their own: a machine's
 * descriptor limit (20 000 on some CI machines, and not raisable there) cannot hold 20 000 of them in one process
 * beside everything else, so the test spreads them over several of these.
 * <p>
 * Usage: {@code SilentClients PORT SOURCE_PREFIX FIRST_HOST HOSTS PER_HOST} (connects from SOURCE_PREFIX+host, e.g.
 * {@code 127.0.1.} + 1..10). Prints {@code opened N failed F}; then on each {@code check} line from its input prints
 * {@code open K} (connections the router still holds open); ends on end of input.
 */
public final class SilentClients
{
    private SilentClients()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final int port = Integer.parseInt(args[0]);
        final String prefix = args[1];
        final int firstHost = Integer.parseInt(args[2]);
        final int hosts = Integer.parseInt(args[3]);
        final int perHost = Integer.parseInt(args[4]);
        final PrintStream out = new PrintStream(System.out, true, StandardCharsets.US_ASCII);
        final List<Socket> sockets = new ArrayList<>(hosts * perHost);
        int failed = 0;
        for (int h = firstHost; h < firstHost + hosts; h++)
        {
            final InetAddress from = InetAddress.getByName(prefix + h);
            for (int i = 0; i < perHost; i++)
            {
                try
                {
                    final Socket s = new Socket();
                    s.setReuseAddress(true);
                    s.bind(new InetSocketAddress(from, 0));
                    s.connect(new InetSocketAddress("127.0.0.1", port), (int)TimeUnit.SECONDS.toMillis(5));
                    sockets.add(s);
                }
                catch (final IOException ex)
                {
                    failed++;
                }
            }
        }
        out.println("opened " + sockets.size() + " failed " + failed);
        final BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        String line;
        while ((line = in.readLine()) != null)
        {
            if ("check".equals(line.trim()))
            {
                int open = 0;
                for (final Socket s : sockets)
                {
                    open += isOpen(s) ? 1 : 0;
                }
                out.println("open " + open);
            }
        }
        for (final Socket s : sockets)
        {
            s.close();
        }
    }

    /** Whether the router still holds the connection open: a read sees neither EOF nor a reset. */
    static boolean isOpen(final Socket s) throws IOException
    {
        s.setSoTimeout(5);
        try
        {
            return s.getInputStream().read() >= 0;
        }
        catch (final SocketTimeoutException stillOpen)
        {
            return true;
        }
        catch (final IOException reset)
        {
            return false;
        }
    }

    /** The test's side: one child process holding some of the connections. */
    static final class Child implements AutoCloseable
    {
        private final Process process;
        private final BufferedReader out;
        private final PrintStream in;

        Child(final int port, final String prefix, final int firstHost, final int hosts, final int perHost)
            throws IOException
        {
            process = new ProcessBuilder(RouterProcess.javaBinary(), "-Xmx128m", "-cp",
                System.getProperty("java.class.path"), SilentClients.class.getName(), Integer.toString(port), prefix,
                Integer.toString(firstHost), Integer.toString(hosts), Integer.toString(perHost))
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
            in = new PrintStream(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        }

        /** @return {opened, failed} once every connection was attempted. */
        int[] awaitOpened() throws IOException
        {
            final String[] words = line("opened").split(" ");
            return new int[] {Integer.parseInt(words[1]), Integer.parseInt(words[3])};
        }

        int stillOpen() throws IOException
        {
            in.println("check");
            return Integer.parseInt(line("open").split(" ")[1]);
        }

        private String line(final String expected) throws IOException
        {
            final String line = out.readLine();
            if (line == null || !line.startsWith(expected))
            {
                throw new IOException("silent-clients child said '" + line + "', expected '" + expected + " ...'");
            }
            return line;
        }

        public void close() throws InterruptedException
        {
            in.close();
            if (!process.waitFor(10, TimeUnit.SECONDS))
            {
                process.destroyForcibly();
            }
        }
    }
}
