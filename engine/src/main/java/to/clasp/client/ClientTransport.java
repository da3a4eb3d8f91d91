package to.clasp.client;

import org.agrona.DirectBuffer;

import java.util.concurrent.CompletableFuture;

/**
 * What {@link ClientSession} needs from a transport: open a link that carries whole CLASP frames both ways. The
 * WebSocket client implements it with Netty (one binary message per frame); an Aeron client implements it with
 * publications and subscriptions.
 */
public interface ClientTransport extends AutoCloseable
{
    /**
     * Open a new link to the router. Frames and the close event of that link go to {@code handler}, on the
     * transport's I/O thread, one at a time.
     *
     * @return completes with the open link, or exceptionally when the router cannot be reached.
     */
    CompletableFuture<Link> open(LinkHandler handler);

    /**
     * Release the transport's threads; open links are closed.
     */
    void close();

    /** One open connection. */
    interface Link
    {
        /**
         * Send one complete frame (copied before return). Any thread.
         *
         * @return false when the link is closed (nothing sent).
         */
        boolean send(DirectBuffer buffer, int offset, int length);

        /** Close the link (normal closure); the handler's {@code onClosed} follows. */
        void close();
    }

    /** Receives what arrives on a link. */
    interface LinkHandler
    {
        /** One complete frame; the bytes are valid only during the call. */
        void onFrame(DirectBuffer buffer, int offset, int length);

        /** The link closed, by either side. {@code code} is a WebSocket-style close code, or -1 if none. */
        void onClosed(int code, String reason);
    }
}
