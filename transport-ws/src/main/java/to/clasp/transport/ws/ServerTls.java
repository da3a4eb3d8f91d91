package to.clasp.transport.ws;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * TLS for the router's listeners ({@code --tls-cert FILE --tls-key FILE}, PEM): one server {@link SslContext},
 * OpenSSL (BoringSSL through {@code netty-tcnative-boringssl-static}) when its native library loads on this machine,
 * the JDK's TLS otherwise ({@link #provider()} says which). {@link #reload()} (SIGHUP) reads both files again; new
 * connections use the new certificate, open ones keep theirs; a reload that fails keeps the old one and logs why.
 * <p>
 * {@link #newDetector()} is the handler to put first in a listener's pipeline: it looks at the first bytes of a
 * connection and either hands it to an {@link SslHandler}, or — for a client speaking plain HTTP (a {@code ws://}
 * URL pointed at a TLS port) — answers {@code 400} saying the port speaks TLS, and closes.
 */
public final class ServerTls
{
    private static final Logger LOG = LoggerFactory.getLogger(ServerTls.class);
    /** System property: {@code jdk} forces the JDK's TLS even when OpenSSL loads (for comparisons). */
    public static final String PROVIDER_PROP = "clasp.tls.provider";
    /** Bytes of a TLS record header; enough to tell TLS from plain HTTP. */
    private static final int RECORD_HEADER = 5;

    private final Path certificate;
    private final Path privateKey;
    private final SslProvider provider;
    private volatile SslContext context;

    private ServerTls(final Path certificate, final Path privateKey, final SslProvider provider) throws Exception
    {
        this.certificate = certificate;
        this.privateKey = privateKey;
        this.provider = provider;
        this.context = build();
    }

    /**
     * Load the certificate chain and private key (PEM; PKCS#8, PKCS#1 RSA and SEC1 EC keys), checking that the key
     * belongs to the first certificate.
     *
     * @throws IllegalArgumentException naming the file when either cannot be read or they do not fit together.
     */
    public static ServerTls load(final Path certificate, final Path privateKey)
    {
        final String forced = System.getProperty(PROVIDER_PROP, "");
        final SslProvider provider = "jdk".equalsIgnoreCase(forced) || !OpenSsl.isAvailable() ?
            SslProvider.JDK : SslProvider.OPENSSL;
        try
        {
            return new ServerTls(certificate, privateKey, provider);
        }
        catch (final Exception ex)
        {
            throw new IllegalArgumentException("cannot load TLS certificate " + certificate + " / key " + privateKey +
                ": " + rootMessage(ex), ex);
        }
    }

    private SslContext build() throws Exception
    {
        final X509Certificate[] chain = Pem.certificates(certificate);
        final PrivateKey key = Pem.privateKey(privateKey);
        Pem.checkPair(chain[0], key, certificate, privateKey);
        return SslContextBuilder.forServer(key, chain).sslProvider(provider).build();
    }

    /** "OpenSSL (BoringSSL)" or "JDK": what encrypts the connections. */
    public String provider()
    {
        return provider == SslProvider.OPENSSL ? "OpenSSL (" + OpenSsl.versionString() + ")" : "JDK";
    }

    /** The context new connections use. */
    public SslContext context()
    {
        return context;
    }

    /** Re-read the certificate and key; on failure keep the current ones. @return true when reloaded. */
    public boolean reload()
    {
        try
        {
            context = build();
            LOG.info("TLS certificate reloaded from {}", certificate);
            return true;
        }
        catch (final Exception ex)
        {
            LOG.error("TLS certificate not reloaded, the current one stays: {}", rootMessage(ex));
            return false;
        }
    }

    /** A new server-side {@link SslHandler} from the current context. */
    public SslHandler newHandler(final ByteBufAllocator alloc)
    {
        return context.newHandler(alloc);
    }

    /** The first handler of a TLS listener's pipeline (one per connection). */
    public ByteToMessageDecoder newDetector()
    {
        return new Detector(this);
    }

    private static String rootMessage(final Throwable t)
    {
        Throwable cause = t;
        while (cause.getCause() != null && cause.getCause() != cause)
        {
            cause = cause.getCause();
        }
        return Objects.toString(cause.getMessage(), cause.getClass().getSimpleName());
    }

    /** Plain text sent to a client that spoke HTTP (not TLS) to a TLS port. */
    static final String PLAIN_HTTP_REPLY = "HTTP/1.1 400 Bad Request\r\n" +
        "Content-Type: text/plain; charset=utf-8\r\nConnection: close\r\nContent-Length: 58\r\n\r\n" +
        "this port speaks TLS: use wss:// (WebSocket) or https://\r\n";

    private static final class Detector extends ByteToMessageDecoder
    {
        private final ServerTls tls;
        private boolean refused;

        Detector(final ServerTls tls)
        {
            this.tls = tls;
        }

        protected void decode(final ChannelHandlerContext ctx, final ByteBuf in, final List<Object> out)
        {
            if (refused)
            {
                in.skipBytes(in.readableBytes());
                return;
            }
            if (in.readableBytes() < RECORD_HEADER)
            {
                return;
            }
            if (SslHandler.isEncrypted(in, false))
            {
                // Replacing this decoder hands the bytes it holds to the SslHandler.
                ctx.pipeline().replace(this, "tls", tls.newHandler(ctx.alloc()));
            }
            else
            {
                // Not TLS: most likely a ws:// or http:// client. Say so in plain HTTP, drop the rest, close.
                refused = true;
                in.skipBytes(in.readableBytes());
                ctx.writeAndFlush(Unpooled.copiedBuffer(PLAIN_HTTP_REPLY, StandardCharsets.US_ASCII))
                    .addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}
