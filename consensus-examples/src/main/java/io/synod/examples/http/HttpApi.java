package io.synod.examples.http;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * A small HTTP/1.1 server for the example applications: requests are routed to one {@link Handler},
 * whose future answers with a status and a JSON body. Keep-alive, bodies up to {@code maxBodyBytes}
 * (larger ones get 413), malformed requests get 400 and are closed.
 */
public final class HttpApi implements AutoCloseable {

    /** A request: method, decoded path segments, query parameters (first value of each), body as UTF-8. */
    public record Request(String method, List<String> path, Map<String, String> query, String body) {
        public String param(String name) {
            return query.get(name);
        }
    }

    /** A response: an HTTP status and a JSON body. */
    public record Response(int status, String json) {
        public static Response ok(String json) {
            return new Response(200, json);
        }

        public static Response error(int status, String message) {
            return new Response(status, Json.object("error", message));
        }
    }

    @FunctionalInterface
    public interface Handler {
        CompletableFuture<Response> handle(Request request);
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
    private final Channel server;

    public HttpApi(InetSocketAddress address, int maxBodyBytes, Handler handler) {
        ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new BodyLimit(maxBodyBytes), new Dispatcher(handler));
                    }
                });
        try {
            server = bootstrap.bind(address).syncUninterruptibly().channel();
        } catch (RuntimeException e) {
            group.shutdownGracefully();
            throw new IllegalStateException("cannot listen for HTTP on " + address + ": " + e.getMessage(), e);
        }
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully().syncUninterruptibly();
    }

    /**
     * Aggregates a request's body, answering 413 with a JSON message when it is too large. The rest
     * of the oversized body is read and dropped, so the client (still sending it) gets the answer
     * instead of a reset connection.
     */
    private static final class BodyLimit extends HttpObjectAggregator {
        private final int maxBodyBytes;

        BodyLimit(int maxBodyBytes) {
            super(maxBodyBytes);
            this.maxBodyBytes = maxBodyBytes;
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, io.netty.handler.codec.http.HttpMessage oversized) {
            Dispatcher.send(ctx, Response.error(413, "request body over " + maxBodyBytes + " bytes"),
                    HttpUtil.isKeepAlive(oversized));
        }
    }

    private static final class Dispatcher extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Handler handler;

        Dispatcher(Handler handler) {
            this.handler = handler;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            boolean keepAlive = HttpUtil.isKeepAlive(request);
            if (!request.decoderResult().isSuccess()) {
                send(ctx, Response.error(400, "malformed HTTP request: " + request.decoderResult().cause()), false);
                return;
            }
            QueryStringDecoder uri = new QueryStringDecoder(request.uri());
            List<String> path = new ArrayList<>();
            for (String segment : Arrays.asList(uri.rawPath().split("/"))) {
                if (!segment.isEmpty()) {
                    path.add(QueryStringDecoder.decodeComponent(segment));
                }
            }
            Map<String, String> query = new HashMap<>();
            uri.parameters().forEach((name, values) -> query.put(name, values.get(0)));
            Request parsed = new Request(request.method().name(), path, query,
                    request.content().toString(StandardCharsets.UTF_8));
            CompletableFuture<Response> answer;
            try {
                answer = handler.handle(parsed);
            } catch (RuntimeException e) {
                answer = CompletableFuture.completedFuture(Response.error(500, "internal error: " + e));
            }
            answer.whenComplete((response, error) -> send(ctx,
                    error != null ? Response.error(500, "internal error: " + error) : response, keepAlive));
        }

        private static void send(ChannelHandlerContext ctx, Response response, boolean keepAlive) {
            byte[] body = (response.json() + "\n").getBytes(StandardCharsets.UTF_8);
            FullHttpResponse http = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(response.status()), Unpooled.wrappedBuffer(body));
            http.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
            http.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
            if (keepAlive) {
                http.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(http);
            } else {
                ctx.writeAndFlush(http).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
