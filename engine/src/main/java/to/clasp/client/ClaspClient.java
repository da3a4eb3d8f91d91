package to.clasp.client;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A CLASP client, whatever the transport (WebSocket, Aeron). Values are Java objects: {@code null},
 * {@link Boolean}, {@link Long} for integers (sent as I64), {@link Double} for floats (sent as F64; the two are never
 * converted into each other), {@link String}, {@code byte[]}, {@link List} and {@link java.util.Map} (key order kept).
 * {@link Integer}, {@link Short}, {@link Byte} are sent as I64 and {@link Float} as F64.
 * <p>
 * Thread safety: every method may be called from any thread. Listeners and futures complete on the transport's I/O
 * thread: do not block in them.
 */
public interface ClaspClient extends AutoCloseable
{
    /**
     * Open the transport, send HELLO and wait for WELCOME (at most {@link ClientOptions#connectTimeoutMs()}).
     *
     * @throws ClaspException when the router cannot be reached or does not answer in time.
     */
    void connect();

    /**
     * @return whether a session is established right now.
     */
    boolean isConnected();

    /**
     * @return the session id from the last WELCOME, or null before the first one.
     */
    String sessionId();

    /**
     * @return the router's clock estimate in µs since the epoch (local clock plus the offset taken from WELCOME).
     */
    long routerTimeMicros();

    /**
     * Write a param (SET at QoS Confirm, as the JS client does). The router stores it and broadcasts it to every
     * matching subscription, including this client's.
     */
    void set(String address, Object value);

    /**
     * Write a param with options: lock/unlock, TTL, expected revision, QoS.
     */
    void set(String address, Object value, SetOptions options);

    /**
     * Write a param at QoS Confirm and learn what became of it. Completes with the revision the router gave the write
     * once the router ACKs it — with a data directory under {@code --fsync always|batch}, once the write is on disk
     * — or exceptionally with {@link ClaspException} (the router's ERROR, {@link ClaspException#code()}: 400 revision
     * conflict or lock held, 503 journal busy or failed, …), with a {@link java.util.concurrent.TimeoutException}
     * after {@link ClientOptions#getTimeoutMs()}, or with {@link ClaspException} when the connection is lost first
     * (the write may or may not have been applied). Answers are matched to writes per address in order, which the
     * router keeps; do not mix QoS 0 writes to an address with confirmed ones (a refused QoS 0 write's ERROR names
     * the same address).
     */
    CompletableFuture<Long> setConfirmed(String address, Object value);

    /**
     * {@link #setConfirmed(String, Object)} with options (lock/unlock, TTL, expected revision); QoS is at least
     * Confirm whatever the options say.
     */
    CompletableFuture<Long> setConfirmed(String address, Object value, SetOptions options);

    /**
     * Ask the router for what its journal holds (REPLAY; needs a router with a data directory): the entries whose
     * address matches {@code pattern}, oldest first, each handed to {@code listener} with the time it was written.
     * Replayed entries are history: they never change {@link #cached} values and never reach subscription listeners.
     * One replay runs at a time per client; later ones wait their turn.
     *
     * @return completes with the number of entries once the router said the replay is complete; exceptionally with
     * {@link ClaspException} (501 the router keeps no journal, 202 invalid pattern, 503 too many replays waiting),
     * with a {@link java.util.concurrent.TimeoutException} when no entry arrives for
     * {@link ClientOptions#getTimeoutMs()}, or when the connection is lost.
     */
    CompletableFuture<Long> replay(String pattern, ReplayOptions options, ReplayListener listener);

    /**
     * Ask the router for the current value of one address. Completes with the value of the SNAPSHOT entry whose
     * address is identical; exceptionally with {@link ClaspException} ({@link ClaspException#code()} 201) when
     * the router says it does not exist, or with a {@link java.util.concurrent.TimeoutException} after
     * {@link ClientOptions#getTimeoutMs()}.
     */
    CompletableFuture<Object> get(String address);

    /**
     * @return the last value this client saw for the address (from a SET, a SNAPSHOT or a get), or null.
     */
    Object cached(String address);

    /**
     * Publish an event: delivered to other matching subscribers, not stored, not echoed to this client.
     */
    void emit(String address, Object payload);

    /**
     * Publish a stream sample (QoS Fire).
     */
    void stream(String address, Object value);

    /**
     * Publish a gesture phase (see {@link GesturePhases}).
     */
    void gesture(String address, long gestureId, int phase, Object payload);

    /**
     * Send SETs and events as one atomic BUNDLE, applied now.
     */
    void bundle(List<BundleItem> items);

    /**
     * Send a BUNDLE the router applies at {@code atMicros} (router clock, µs since the epoch).
     */
    void bundle(List<BundleItem> items, long atMicros);

    /**
     * Subscribe to every signal type on {@code pattern} ({@code *} = one segment, {@code **} = any number).
     *
     * @return the subscription id, for {@link #unsubscribe(int)}.
     */
    int subscribe(String pattern, SubscriptionListener listener);

    /**
     * Subscribe with options: type mask, max rate, epsilon.
     *
     * @return the subscription id.
     */
    int subscribe(String pattern, SubscriptionListener listener, SubscribeOptions options);

    /**
     * Remove a subscription; unknown ids are ignored.
     */
    void unsubscribe(int subscriptionId);

    /**
     * Close the session and the transport; no reconnect follows.
     */
    void close();
}
