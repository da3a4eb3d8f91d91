package to.clasp.server.inspector;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.util.ReferenceCountUtil;
import to.clasp.core.RouterStats;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * The web inspector on the WebSocket port: {@code /inspector/} serves the page (static files from the class path,
 * read once), {@code /inspector/api/info} says whether a token is needed, {@code /inspector/api/stats} serves the
 * core's latest {@link RouterStats.Snapshot} as JSON, cut to what the bearer token may see. Everything else — plain
 * {@code GET /} probes and WebSocket upgrades on any path — goes on to the edge's own handler; on an upgrade this
 * handler leaves the connection's pipeline, so WebSocket traffic never passes through it.
 */
@ChannelHandler.Sharable
public final class InspectorHandler extends ChannelInboundHandlerAdapter
{
    /** Where the page is served. */
    public static final String PATH = "/inspector/";

    private static final String[][] FILES = {
        {"index.html", "text/html; charset=utf-8"},
        {"inspector.js", "text/javascript; charset=utf-8"},
        {"clasp.js", "text/javascript; charset=utf-8"},
        {"inspector.css", "text/css; charset=utf-8"},
    };

    private final Map<String, byte[]> files = new HashMap<>();
    private final Map<String, String> types = new HashMap<>();
    private final RouterStats stats;
    private final InspectorAccess access;
    private final String routerName;
    /** api/info's JSON, made on the first request (JSON is not loaded at start-up for a page few open). */
    private volatile byte[] info;
    /** The open view's JSON of the latest snapshot: one rendering per snapshot however many pages poll. */
    private volatile Rendered rendered;

    private record Rendered(RouterStats.Snapshot snapshot, byte[] json)
    {
    }

    /**
     * @param stats      the core's published snapshots.
     * @param access     who may see the JSON data.
     * @param routerName shown in the page's title.
     */
    public InspectorHandler(final RouterStats stats, final InspectorAccess access, final String routerName)
    {
        this.stats = stats;
        this.access = access;
        for (final String[] file : FILES)
        {
            files.put(file[0], load(file[0]));
            types.put(file[0], file[1]);
        }
        this.routerName = routerName;
    }

    private byte[] info()
    {
        byte[] json = info;
        if (json == null)
        {
            final Map<String, Object> about = new java.util.LinkedHashMap<>();
            about.put("name", routerName);
            about.put("tokenRequired", access.tokenRequired());
            info = json = StatsJson.bytes(about);
        }
        return json;
    }

    private static byte[] load(final String name)
    {
        try (InputStream in = InspectorHandler.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IllegalStateException("missing inspector resource " + name);
            }
            return in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof FullHttpRequest))
        {
            ctx.fireChannelRead(msg);
            return;
        }
        final FullHttpRequest request = (FullHttpRequest)msg;
        final String upgrade = request.headers().get(HttpHeaderNames.UPGRADE);
        if (upgrade != null && upgrade.trim().equalsIgnoreCase("websocket"))
        {
            ctx.pipeline().remove(this);
            ctx.fireChannelRead(msg);
            return;
        }
        final String path = new QueryStringDecoder(request.uri()).path();
        if (!path.equals("/inspector") && !path.startsWith(PATH) || !request.decoderResult().isSuccess())
        {
            ctx.fireChannelRead(msg);
            return;
        }
        try
        {
            serve(ctx, request, path);
        }
        finally
        {
            ReferenceCountUtil.release(request);
        }
    }

    private void serve(final ChannelHandlerContext ctx, final FullHttpRequest request, final String path)
    {
        final boolean head = HttpMethod.HEAD.equals(request.method());
        if (!head && !HttpMethod.GET.equals(request.method()))
        {
            respond(ctx, request, HttpResponseStatus.METHOD_NOT_ALLOWED, "text/plain", bytes("method not allowed\n"));
            return;
        }
        if (path.equals("/inspector"))
        {
            final FullHttpResponse redirect = new DefaultFullHttpResponse(request.protocolVersion(),
                HttpResponseStatus.MOVED_PERMANENTLY);
            redirect.headers().set(HttpHeaderNames.LOCATION, PATH).setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
            send(ctx, request, redirect);
            return;
        }
        final String name = path.substring(PATH.length());
        switch (name)
        {
            case "":
                respond(ctx, request, HttpResponseStatus.OK, types.get("index.html"), files.get("index.html"));
                return;
            case "api/info":
                respond(ctx, request, HttpResponseStatus.OK, "application/json", info());
                return;
            case "api/stats":
                withView(ctx, request, view -> statsJson(view), head);
                return;
            case "api/scopes":
                // What the page subscribes to when its filter is everything: the token's read patterns.
                withView(ctx, request, view -> StatsJson.bytes(Map.of("read", view.readPatterns())), head);
                return;
            default:
                final byte[] file = files.get(name);
                if (file == null)
                {
                    respond(ctx, request, HttpResponseStatus.NOT_FOUND, "text/plain", bytes("not found\n"));
                }
                else
                {
                    respond(ctx, request, HttpResponseStatus.OK, types.get(name), file);
                }
        }
    }

    /**
     * Answer with {@code body} of the bearer token's view, or 401. A token's check may finish later (a capability
     * token is verified off this event loop); the answer is then written from the loop, and nothing more is read from
     * the connection until it is (requests stay in order). Only the request line and headers are read after this
     * method returns.
     */
    private void withView(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final java.util.function.Function<InspectorAccess.View, byte[]> body, final boolean head)
    {
        final java.util.concurrent.CompletableFuture<InspectorAccess.View> check =
            access.checkAsync(bearer(request)).toCompletableFuture();
        if (check.isDone())
        {
            answer(ctx, request, check.isCompletedExceptionally() ? null : check.join(), body, head);
            return;
        }
        ctx.channel().config().setAutoRead(false);
        check.whenComplete((view, failure) -> ctx.executor().execute(() ->
        {
            answer(ctx, request, null == failure ? view : null, body, head);
            ctx.channel().config().setAutoRead(true);
        }));
    }

    private void answer(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final InspectorAccess.View view, final java.util.function.Function<InspectorAccess.View, byte[]> body,
        final boolean head)
    {
        if (view == null)
        {
            final FullHttpResponse denied = response(request, HttpResponseStatus.UNAUTHORIZED,
                "application/json", bytes("{\"error\":\"a token with read scope is needed\"}"), head);
            denied.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"clasp\"");
            send(ctx, request, denied);
            return;
        }
        respond(ctx, request, HttpResponseStatus.OK, "application/json", body.apply(view));
    }

    private byte[] statsJson(final InspectorAccess.View view)
    {
        final RouterStats.Snapshot snapshot = stats.latest();
        if (view != InspectorAccess.View.EVERYTHING || snapshot == null)
        {
            return StatsJson.render(snapshot, view);
        }
        final Rendered last = rendered;
        if (last != null && last.snapshot() == snapshot)
        {
            return last.json();
        }
        final byte[] json = StatsJson.render(snapshot, view);
        rendered = new Rendered(snapshot, json);
        return json;
    }

    private static String bearer(final FullHttpRequest request)
    {
        final String header = request.headers().get(HttpHeaderNames.AUTHORIZATION);
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7))
        {
            return null;
        }
        return header.substring(7).trim();
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static void respond(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final HttpResponseStatus status, final String type, final byte[] body)
    {
        send(ctx, request, response(request, status, type, body, HttpMethod.HEAD.equals(request.method())));
    }

    private static FullHttpResponse response(final FullHttpRequest request, final HttpResponseStatus status,
        final String type, final byte[] body, final boolean head)
    {
        final FullHttpResponse response = new DefaultFullHttpResponse(request.protocolVersion(), status,
            head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        response.headers()
            .set(HttpHeaderNames.CONTENT_TYPE, type)
            .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
            .set(HttpHeaderNames.CACHE_CONTROL, "no-cache")
            .set("X-Content-Type-Options", "nosniff");
        return response;
    }

    private static void send(final ChannelHandlerContext ctx, final FullHttpRequest request,
        final FullHttpResponse response)
    {
        if (HttpUtil.isKeepAlive(request))
        {
            HttpUtil.setKeepAlive(response, true);
            ctx.writeAndFlush(response);
        }
        else
        {
            response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
