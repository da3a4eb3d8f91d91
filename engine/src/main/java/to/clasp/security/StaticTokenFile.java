package to.clasp.security;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Tokens from a file ({@code --auth-tokens FILE}, format in {@link TokenFileParser}). The file is read at start
 * ({@link #load}: an unreadable or bad file is an error the server turns into exit code 2) and again on
 * {@link #reload()} — on SIGHUP, and when the file changes ({@link #watch()}: the directory is watched, so editors
 * that replace the file and mounted secrets that swap a symlink are seen too). A reload that fails keeps the tokens
 * in force and logs the file and line; a reload that succeeds swaps the whole table at once and tells the
 * {@linkplain #addReloadListener listeners}, so sessions whose token disappeared can be closed
 * ({@link #isCurrent}). A token whose line is unchanged keeps its {@link Grant} across reloads.
 */
public final class StaticTokenFile implements TokenSource, AutoCloseable
{
    /** {@link #name()} and {@link Grant#source()} of this source. */
    public static final String SOURCE = "static";

    private static final Logger LOG = LoggerFactory.getLogger(StaticTokenFile.class);

    private final Path file;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile Map<Secrets.TokenDigest, Grant> grants;
    private volatile Set<Grant> live;
    private byte[] contentDigest;
    private WatchService watcher;
    private Thread watchThread;

    private StaticTokenFile(final Path file)
    {
        this.file = file;
    }

    /**
     * Read and parse the file.
     *
     * @throws TokenFileException when it cannot be read or a line is bad (file name and line number in the message).
     */
    public static StaticTokenFile load(final Path file) throws TokenFileException
    {
        final StaticTokenFile tokens = new StaticTokenFile(file.toAbsolutePath());
        tokens.install(tokens.read());
        return tokens;
    }

    /** The file read (absolute). */
    public Path file()
    {
        return file;
    }

    /** How many tokens are in force. */
    public int size()
    {
        return grants.size();
    }

    /** Run {@code listener} (on the reloading thread) after every successful reload that changed the file. */
    public void addReloadListener(final Runnable listener)
    {
        listeners.add(listener);
    }

    public void addChangeListener(final Runnable listener)
    {
        addReloadListener(listener);
    }

    public AuthResult authenticate(final String token, final long nowEpochMs)
    {
        return AuthResult.of(grants.get(Secrets.TokenDigest.of(token)), nowEpochMs);
    }

    public boolean isCurrent(final Grant grant, final long nowEpochMs)
    {
        return live.contains(grant) && !grant.isExpired(nowEpochMs);
    }

    public String name()
    {
        return SOURCE;
    }

    /**
     * Read the file again. When it is unreadable or bad, the tokens in force stay and the error is logged (with
     * the line number, never a token).
     *
     * @return true when the new contents are in force (or the file was unchanged).
     */
    public synchronized boolean reload()
    {
        final Parsed parsed;
        try
        {
            parsed = read();
        }
        catch (final TokenFileException ex)
        {
            LOG.error("tokens file not reloaded, the {} token(s) in force stay: {}", grants.size(), ex.getMessage());
            return false;
        }
        if (Arrays.equals(parsed.contentDigest, contentDigest))
        {
            return true;
        }
        final int before = grants.size();
        install(parsed);
        LOG.info("tokens file {} reloaded: {} token(s) (was {})", file, grants.size(), before);
        for (final Runnable listener : listeners)
        {
            try
            {
                listener.run();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("tokens reload listener failed", ex);
            }
        }
        return true;
    }

    /**
     * Reload whenever the file changes, from a daemon thread ({@code clasp-tokens-watch}) watching its directory.
     * Bursts of events (an editor's write-rename-chmod) are coalesced into one reload.
     */
    public synchronized void watch() throws IOException
    {
        if (watcher != null)
        {
            return;
        }
        final Path dir = file.getParent();
        watcher = FileSystems.getDefault().newWatchService();
        dir.register(watcher, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
            StandardWatchEventKinds.ENTRY_DELETE);
        final WatchService service = watcher;
        watchThread = new Thread(() -> watchLoop(service), "clasp-tokens-watch");
        watchThread.setDaemon(true);
        watchThread.start();
    }

    private void watchLoop(final WatchService service)
    {
        try
        {
            while (true)
            {
                WatchKey key = service.take();
                // Coalesce: drain what arrives within 50 ms, then reload once (content digest skips no-ops).
                do
                {
                    key.pollEvents();
                    key.reset();
                    key = service.poll(50, TimeUnit.MILLISECONDS);
                }
                while (key != null);
                if (Files.exists(file))
                {
                    reload();
                }
            }
        }
        catch (final InterruptedException | ClosedWatchServiceException ex)
        {
            // closed
        }
    }

    public synchronized void close()
    {
        if (watcher != null)
        {
            try
            {
                watcher.close();
            }
            catch (final IOException ignore)
            {
                // closing
            }
            watchThread.interrupt();
            watcher = null;
        }
    }

    private Parsed read() throws TokenFileException
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new TokenFileException("cannot read tokens file " + file + ": " +
                (ex instanceof java.nio.file.NoSuchFileException ? "no such file" :
                ex instanceof java.nio.file.AccessDeniedException ? "permission denied" : ex.toString()));
        }
        final List<String> lines = new String(bytes, StandardCharsets.UTF_8).lines().toList();
        return new Parsed(TokenFileParser.parse(file.toString(), lines, SOURCE), Secrets.sha256Bytes(bytes));
    }

    private void install(final Parsed parsed)
    {
        final Map<Secrets.TokenDigest, Grant> previous = grants;
        final Map<Secrets.TokenDigest, Grant> next = new java.util.HashMap<>(parsed.grants);
        if (previous != null)
        {
            // A line that did not change keeps its Grant, so its sessions stay current.
            for (final Map.Entry<Secrets.TokenDigest, Grant> e : next.entrySet())
            {
                final Grant old = previous.get(e.getKey());
                if (old != null && old.expiresAtEpochMs() == e.getValue().expiresAtEpochMs() &&
                    old.scopes().toString().equals(e.getValue().scopes().toString()))
                {
                    e.setValue(old);
                }
            }
        }
        final Set<Grant> liveSet = Collections.newSetFromMap(new IdentityHashMap<>());
        liveSet.addAll(next.values());
        grants = next;
        live = liveSet;
        contentDigest = parsed.contentDigest;
    }

    private static final class Parsed
    {
        final Map<Secrets.TokenDigest, Grant> grants;
        final byte[] contentDigest;

        Parsed(final Map<Secrets.TokenDigest, Grant> grants, final byte[] contentDigest)
        {
            this.grants = grants;
            this.contentDigest = contentDigest;
        }
    }
}
