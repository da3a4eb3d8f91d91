package to.clasp.transport.mqtt;

import java.io.File;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.CRC32C;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an MQTT persistent session needs to survive a restart of the router ({@code --data-dir}): its client id, the
 * token it was opened with, its session expiry, when its client went away, and its subscriptions with their QoS and
 * options. One small file per session in {@code DIR/mqtt-sessions/}, named after a hash of the client id, written
 * whole to a temporary name, synced and renamed over the old one (so a crash leaves the old or the new file, never a
 * mix), and checked by length and CRC when read: a torn or damaged file is set aside ({@code .bad}) and logged,
 * never fatal.
 * <p>
 * Writes never happen on the thread that calls {@link #save}/{@link #delete} (the edge's event loop, which may host
 * the core): they are handed to a thread of the store's own, and several changes to one session before it gets to
 * them are written once (the newest). Messages queued for a session are not stored (docs/operations.md, "Persistent
 * sessions across a restart").
 * <p>
 * The data directory's lock ({@code router.lock}, held by the durable state) keeps a second router out of it.
 */
final class MqttSessionStore implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MqttSessionStore.class);

    /** Sub-directory of the data directory. */
    static final String DIRECTORY = "mqtt-sessions";
    private static final int MAGIC = 0x434C_4D51; // "CLMQ"
    private static final int VERSION = 1;
    private static final String SUFFIX = ".session";
    private static final String TMP_SUFFIX = ".tmp";
    private static final String BAD_SUFFIX = ".bad";
    /** A file larger than this is not one of ours (a session holds at most a few thousand subscriptions). */
    private static final int MAX_FILE = 16 * 1024 * 1024;
    private static final Record DELETE = new Record("", 0, 0, null, List.of());

    /** One subscription of a stored session. */
    static final class Subscription
    {
        final String filter;
        final int qos;
        final boolean noLocal;
        final boolean retainAsPublished;
        final boolean noRetained;

        Subscription(final String filter, final int qos, final boolean noLocal, final boolean retainAsPublished,
            final boolean noRetained)
        {
            this.filter = filter;
            this.qos = qos;
            this.noLocal = noLocal;
            this.retainAsPublished = retainAsPublished;
            this.noRetained = noRetained;
        }
    }

    /** One stored session; immutable, so the edge's loop can hand it to the writer thread. */
    static final class Record
    {
        final String clientId;
        final long expirySeconds;
        /** Wall-clock ms when the client went away; 0 while it was connected. */
        final long awaySinceMs;
        /** The CONNECT password (the HELLO token), or null. */
        final byte[] token;
        final List<Subscription> subscriptions;

        Record(final String clientId, final long expirySeconds, final long awaySinceMs, final byte[] token,
            final List<Subscription> subscriptions)
        {
            this.clientId = clientId;
            this.expirySeconds = expirySeconds;
            this.awaySinceMs = awaySinceMs;
            this.token = token;
            this.subscriptions = List.copyOf(subscriptions);
        }

        /** @return ms left until the session expires at {@code nowMs} (its full expiry if the client was there). */
        long remainingMs(final long nowMs)
        {
            final long full = expirySeconds * 1000L;
            return awaySinceMs == 0 ? full : full - Math.max(0, nowMs - awaySinceMs);
        }
    }

    private final Path directory;
    private final Map<String, Record> pending = new LinkedHashMap<>();
    private final Thread writer;
    private boolean frozen;
    private boolean closed;
    private boolean writing;
    private long writeFailures;

    private MqttSessionStore(final Path directory)
    {
        this.directory = directory;
        writer = new Thread(this::runWriter, "clasp-mqtt-sessions");
        writer.setDaemon(true);
        writer.start();
    }

    /**
     * Open (create) the store in {@code directory}.
     *
     * @throws IOException when the directory cannot be created.
     */
    static MqttSessionStore open(final File directory) throws IOException
    {
        final Path dir = directory.toPath();
        Files.createDirectories(dir);
        return new MqttSessionStore(dir);
    }

    Path directory()
    {
        return directory;
    }

    /**
     * Read every stored session. Leftover temporary files (a crash in the middle of a write) are removed; a file
     * that is torn or damaged is renamed {@code .bad} and skipped.
     */
    List<Record> load()
    {
        final List<Record> records = new ArrayList<>();
        final File[] files = directory.toFile().listFiles();
        if (files == null)
        {
            return records;
        }
        for (final File f : files)
        {
            final String name = f.getName();
            if (name.endsWith(TMP_SUFFIX))
            {
                deleteQuietly(f.toPath());
            }
            else if (name.endsWith(SUFFIX))
            {
                try
                {
                    final Record r = decode(Files.readAllBytes(f.toPath()));
                    if (!fileName(r.clientId).equals(name))
                    {
                        throw new IOException("it holds client id '" + r.clientId + "', not the one its name says");
                    }
                    records.add(r);
                }
                catch (final IOException | RuntimeException ex)
                {
                    LOG.warn("MQTT session file {} is damaged ({}); it is set aside as {}{} and the session is lost",
                        f, ex.getMessage(), name, BAD_SUFFIX);
                    try
                    {
                        Files.move(f.toPath(), f.toPath().resolveSibling(name + BAD_SUFFIX),
                            StandardCopyOption.REPLACE_EXISTING);
                    }
                    catch (final IOException moveFailed)
                    {
                        deleteQuietly(f.toPath());
                    }
                }
            }
        }
        return records;
    }

    /** Store (replace) a session; written soon, on the store's thread. */
    void save(final Record record)
    {
        enqueue(record.clientId, record);
    }

    /** Forget a session; the file is removed soon, on the store's thread. */
    void delete(final String clientId)
    {
        enqueue(clientId, DELETE);
    }

    private synchronized void enqueue(final String clientId, final Record r)
    {
        if (frozen)
        {
            return;
        }
        pending.remove(clientId); // the newest change goes last
        pending.put(clientId, r);
        notifyAll();
    }

    /**
     * From now on changes are ignored: the router is shutting down and ends every session, which must not erase
     * what a restart restores. What was handed over before is still written.
     */
    synchronized void freeze()
    {
        frozen = true;
    }

    /** Wait until everything handed over so far is on disk (tests, shutdown). */
    synchronized boolean flush(final long timeoutMs) throws InterruptedException
    {
        final long deadline = System.currentTimeMillis() + timeoutMs;
        while (!pending.isEmpty() || writing)
        {
            final long left = deadline - System.currentTimeMillis();
            if (left <= 0 || !writer.isAlive())
            {
                return false;
            }
            wait(left);
        }
        return true;
    }

    /** @return writes (or removals) that failed since the start; each was logged. */
    synchronized long writeFailures()
    {
        return writeFailures;
    }

    /** Write what is pending, then stop the thread. */
    public void close()
    {
        synchronized (this)
        {
            frozen = true;
            closed = true;
            notifyAll();
        }
        try
        {
            writer.join(10_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void runWriter()
    {
        while (true)
        {
            final Map.Entry<String, Record> next;
            synchronized (this)
            {
                while (pending.isEmpty() && !closed)
                {
                    writing = false;
                    notifyAll();
                    try
                    {
                        wait();
                    }
                    catch (final InterruptedException ex)
                    {
                        return;
                    }
                }
                if (pending.isEmpty())
                {
                    writing = false;
                    notifyAll();
                    return;
                }
                final var it = pending.entrySet().iterator();
                next = it.next();
                it.remove();
                writing = true;
            }
            try
            {
                if (next.getValue() == DELETE)
                {
                    Files.deleteIfExists(directory.resolve(fileName(next.getKey())));
                }
                else
                {
                    write(next.getValue());
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                synchronized (this)
                {
                    writeFailures++;
                }
                LOG.warn("MQTT session store: cannot {} the session of client '{}' in {}: {}",
                    next.getValue() == DELETE ? "remove" : "write", next.getKey(), directory, ex.toString());
            }
        }
    }

    private void write(final Record r) throws IOException
    {
        final Path target = directory.resolve(fileName(r.clientId));
        final Path tmp = directory.resolve(fileName(r.clientId) + TMP_SUFFIX);
        final byte[] bytes = encode(r);
        deleteQuietly(tmp);
        try (FileChannel ch = createPrivate(tmp))
        {
            final ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining())
            {
                ch.write(b);
            }
            ch.force(true);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory();
    }

    /** The file holds a token: readable by the router's user only. */
    private static FileChannel createPrivate(final Path path) throws IOException
    {
        final Set<StandardOpenOption> options = Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try
        {
            return FileChannel.open(path, options,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        }
        catch (final UnsupportedOperationException notPosix)
        {
            return FileChannel.open(path, options);
        }
    }

    private void syncDirectory()
    {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ))
        {
            dir.force(true);
        }
        catch (final IOException ex)
        {
            // Some file systems cannot sync a directory; the rename is still atomic.
        }
    }

    private static void deleteQuietly(final Path p)
    {
        try
        {
            Files.deleteIfExists(p);
        }
        catch (final IOException ex)
        {
            // left for the next start to remove
        }
    }

    /** The file name of a client id: a hash, so any client id (any bytes, any length) makes a safe name. */
    static String fileName(final String clientId)
    {
        try
        {
            final byte[] digest = MessageDigest.getInstance("SHA-256").digest(clientId.getBytes(StandardCharsets.UTF_8));
            final StringBuilder s = new StringBuilder(digest.length * 2 + SUFFIX.length());
            for (final byte b : digest)
            {
                s.append(Character.forDigit((b >> 4) & 0xF, 16)).append(Character.forDigit(b & 0xF, 16));
            }
            return s.append(SUFFIX).toString();
        }
        catch (final NoSuchAlgorithmException ex)
        {
            throw new IllegalStateException("SHA-256 is part of every JDK", ex);
        }
    }

    // ---- format: MAGIC, VERSION, body length, body, CRC32C of the body (all big-endian) ----

    static byte[] encode(final Record r)
    {
        final byte[] id = r.clientId.getBytes(StandardCharsets.UTF_8);
        int bodyLength = 4 + id.length + 8 + 8 + 4 + (r.token == null ? 0 : r.token.length) + 4;
        final byte[][] filters = new byte[r.subscriptions.size()][];
        for (int i = 0; i < filters.length; i++)
        {
            filters[i] = r.subscriptions.get(i).filter.getBytes(StandardCharsets.UTF_8);
            bodyLength += 4 + filters[i].length + 2;
        }
        final ByteBuffer b = ByteBuffer.allocate(12 + bodyLength + 4);
        b.putInt(MAGIC).putInt(VERSION).putInt(bodyLength);
        b.putInt(id.length).put(id).putLong(r.expirySeconds).putLong(r.awaySinceMs);
        if (r.token == null)
        {
            b.putInt(-1);
        }
        else
        {
            b.putInt(r.token.length).put(r.token);
        }
        b.putInt(filters.length);
        for (int i = 0; i < filters.length; i++)
        {
            final Subscription s = r.subscriptions.get(i);
            b.putInt(filters[i].length).put(filters[i]).put((byte)s.qos)
                .put((byte)((s.noLocal ? 1 : 0) | (s.retainAsPublished ? 2 : 0) | (s.noRetained ? 4 : 0)));
        }
        final CRC32C crc = new CRC32C();
        crc.update(b.array(), 12, bodyLength);
        b.putInt((int)crc.getValue());
        return b.array();
    }

    /**
     * @throws IOException when the bytes are not one whole, intact record.
     */
    static Record decode(final byte[] bytes) throws IOException
    {
        if (bytes.length < 16 || bytes.length > MAX_FILE)
        {
            throw new IOException("length " + bytes.length);
        }
        final ByteBuffer b = ByteBuffer.wrap(bytes);
        if (b.getInt() != MAGIC)
        {
            throw new IOException("not an MQTT session file");
        }
        final int version = b.getInt();
        if (version != VERSION)
        {
            throw new IOException("version " + version + " (this router reads " + VERSION + ")");
        }
        final int bodyLength = b.getInt();
        if (bodyLength < 0 || 12 + (long)bodyLength + 4 != bytes.length)
        {
            throw new IOException("torn (" + bytes.length + " bytes, the header says " + (12L + bodyLength + 4) + ")");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 12, bodyLength);
        if ((int)crc.getValue() != ByteBuffer.wrap(bytes, 12 + bodyLength, 4).getInt())
        {
            throw new IOException("checksum mismatch");
        }
        final String clientId = string(b);
        final long expiry = b.getLong();
        final long awaySince = b.getLong();
        final int tokenLength = b.getInt();
        byte[] token = null;
        if (tokenLength >= 0)
        {
            token = new byte[tokenLength];
            b.get(token);
        }
        final int n = b.getInt();
        if (n < 0 || n > bodyLength)
        {
            throw new IOException("subscription count " + n);
        }
        final List<Subscription> subs = new ArrayList<>(n);
        for (int i = 0; i < n; i++)
        {
            final String filter = string(b);
            final int qos = b.get();
            final int flags = b.get();
            if (qos < 0 || qos > 2)
            {
                throw new IOException("QoS " + qos);
            }
            subs.add(new Subscription(filter, qos, (flags & 1) != 0, (flags & 2) != 0, (flags & 4) != 0));
        }
        if (b.position() != 12 + bodyLength)
        {
            throw new IOException("body length mismatch");
        }
        return new Record(clientId, expiry, awaySince, token, subs);
    }

    private static String string(final ByteBuffer b) throws IOException
    {
        final int length = b.getInt();
        if (length < 0 || length > b.remaining())
        {
            throw new IOException("string length " + length);
        }
        final byte[] bytes = new byte[length];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
