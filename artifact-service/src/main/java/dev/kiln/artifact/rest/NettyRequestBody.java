package dev.kiln.artifact.rest;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.impl.ConnectionBase;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The body of an HTTP/1.x upload taken from the connection's Netty pipeline, between the HTTP
 * decoder and Vert.x: the worker thread gets the pooled direct buffers the socket was read into,
 * with no copy (Vert.x copies each piece of a request body into a new heap buffer before a handler
 * sees it, and the JDK copies a heap buffer again into a direct one to write it to a file). The
 * pipeline ({@link dev.kiln.artifact.domain.HashingPipeline}) hashes each buffer and has it written
 * to the file straight from where the socket put it, then gives it back ({@link #done}), which
 * releases it to Netty's pool.
 *
 * <p>{@link #install} puts this handler into the pipeline on the event loop as soon as the
 * request's head has been routed, before any byte of the body was decoded; it passes on to Vert.x
 * only the end of the body (an empty {@link LastHttpContent}, with the trailers), then leaves the
 * pipeline, so the next request of the connection is Vert.x's alone (meanwhile the socket is read
 * into the larger buffers of {@link UploadReadAllocator}). At most about {@value #HIGH_WATER_MARK}
 * bytes wait for the worker thread: the channel stops reading then ({@code autoRead} off) and reads
 * again once no more than {@value #LOW_WATER_MARK} wait, so TCP flow control slows the client down
 * to the pace of the disk. Once closed, or when nobody claimed it before the response ended (the
 * request was refused before its body was read), it drops what arrives until the end of the body.
 */
final class NettyRequestBody extends ChannelInboundHandlerAdapter implements UploadBody {

  /** The handler's name in the channel pipeline. */
  static final String HANDLER = "kiln-upload-body";

  /** Vert.x's own handler, before which this one goes. */
  private static final String VERTX_HANDLER = "handler";

  /** Stop reading the connection when this many bytes wait for the worker thread. */
  static final int HIGH_WATER_MARK = 4 << 20;

  /** Read again when no more than this many bytes wait. */
  static final int LOW_WATER_MARK = 1 << 20;

  private final Channel channel;
  private final Runnable writeContinue;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuf> queue = new ArrayDeque<>();
  private final Map<ByteBuffer, ByteBuf> handedOut = new IdentityHashMap<>();
  private long timeoutMillis = 60_000;
  private boolean expectsContinue;
  private long queued;
  private boolean paused;
  private boolean resumeScheduled;
  private boolean ended;
  private boolean closed;
  private boolean removed;
  private Throwable failure;

  private NettyRequestBody(Channel channel, boolean expectsContinue, Runnable writeContinue) {
    this.channel = channel;
    this.expectsContinue = expectsContinue;
    this.writeContinue = writeContinue;
  }

  /**
   * Takes over the body of a request whose head was just routed; on the event loop. Empty when the
   * request is not one this can take (HTTP/2, a body Vert.x began to receive, another pipeline).
   */
  static Optional<NettyRequestBody> install(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2
        || request.bytesRead() != 0
        || request.isEnded()
        || !(request.connection() instanceof ConnectionBase connection)) {
      return Optional.empty();
    }
    Channel channel = connection.channel();
    ChannelPipeline pipeline = channel.pipeline();
    if (!channel.eventLoop().inEventLoop()
        || pipeline.get(VERTX_HANDLER) == null
        || pipeline.get(HANDLER) != null) {
      return Optional.empty();
    }
    return Optional.of(
        attach(
            channel,
            "100-continue".equalsIgnoreCase(request.getHeader("Expect")),
            () -> request.response().writeContinue()));
  }

  /**
   * Puts a body handler before Vert.x's handler of a channel; on its event loop.
   *
   * @param writeContinue answers {@code 100 Continue}, run on the event loop before the first read
   *     when {@code expectsContinue}
   */
  static NettyRequestBody attach(Channel channel, boolean expectsContinue, Runnable writeContinue) {
    NettyRequestBody body = new NettyRequestBody(channel, expectsContinue, writeContinue);
    channel.pipeline().addBefore(VERTX_HANDLER, HANDLER, body);
    channel.config().setAllocator(new UploadReadAllocator(channel.config().getAllocator()));
    return body;
  }

  /**
   * Claims the body for the worker thread that reads it.
   *
   * @param timeoutMillis how long a read waits for data before the connection is given up
   */
  NettyRequestBody claim(long timeoutMillis) {
    lock.lock();
    try {
      this.timeoutMillis = timeoutMillis;
    } finally {
      lock.unlock();
    }
    return this;
  }

  // --- the event loop's side

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof HttpContent content)) {
      ctx.fireChannelRead(msg);
      return;
    }
    if (!content.decoderResult().isSuccess()) {
      fail(content.decoderResult().cause());
      remove(ctx);
      ctx.fireChannelRead(msg); // Vert.x answers a malformed request
      return;
    }
    ByteBuf data = content.content();
    boolean last = msg instanceof LastHttpContent;
    lock.lock();
    try {
      if (closed || !data.isReadable()) {
        data.release();
      } else {
        queue.add(data);
        queued += data.readableBytes();
        if (queued >= HIGH_WATER_MARK && !paused) {
          paused = true;
          channel.config().setAutoRead(false);
        }
      }
      if (last) {
        ended = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    if (last) {
      remove(ctx);
      LastHttpContent end =
          ((LastHttpContent) msg).trailingHeaders().isEmpty()
              ? LastHttpContent.EMPTY_LAST_CONTENT
              : new DefaultLastHttpContent(
                  Unpooled.EMPTY_BUFFER, ((LastHttpContent) msg).trailingHeaders());
      ctx.fireChannelRead(end);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    fail(new IOException("the connection was closed before the end of the request body"));
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) throws Exception {
    fail(cause);
    super.exceptionCaught(ctx, cause);
  }

  private void fail(Throwable cause) {
    lock.lock();
    try {
      if (failure == null) {
        failure = cause;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Leaves the pipeline: the body ended (or broke); on the event loop. */
  private void remove(ChannelHandlerContext ctx) {
    boolean resume;
    lock.lock();
    try {
      removed = true;
      resume = paused;
      paused = false;
    } finally {
      lock.unlock();
    }
    ctx.pipeline().remove(this);
    if (channel.config().getAllocator() instanceof UploadReadAllocator reads) {
      channel.config().setAllocator(reads.connection());
    }
    if (resume) {
      channel.config().setAutoRead(true); // the next request is Vert.x's to read
    }
  }

  /** Reads again if the worker thread caught up or gave up; on the event loop. */
  private void resumeIfCaughtUp() {
    lock.lock();
    try {
      resumeScheduled = false;
      if (!paused || removed || (queued > LOW_WATER_MARK && !closed)) {
        return;
      }
      paused = false;
    } finally {
      lock.unlock();
    }
    channel.config().setAutoRead(true);
  }

  // --- the worker thread's side

  @Override
  public ByteBuffer next() throws IOException {
    if (expectsContinue) {
      // the client waits for this before it sends the body: only now that it is wanted
      expectsContinue = false;
      channel.eventLoop().execute(writeContinue);
    }
    ByteBuf data;
    ByteBuffer chunk;
    boolean scheduleResume = false;
    lock.lock();
    try {
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
      while (queue.isEmpty()) {
        if (closed) {
          throw new IOException("stream closed");
        }
        if (ended) {
          return null;
        }
        if (failure != null) {
          throw new IOException("the request body could not be read", failure);
        }
        long wait = deadline - System.nanoTime();
        if (wait <= 0) {
          channel.close();
          throw new IOException("no data arrived for " + timeoutMillis + " ms");
        }
        try {
          changed.awaitNanos(wait);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while reading the request body");
        }
      }
      data = queue.poll();
      queued -= data.readableBytes();
      chunk = data.nioBuffer();
      handedOut.put(chunk, data);
      if (paused && queued <= LOW_WATER_MARK && !resumeScheduled) {
        resumeScheduled = true;
        scheduleResume = true;
      }
    } finally {
      lock.unlock();
    }
    if (scheduleResume) {
      channel.eventLoop().execute(this::resumeIfCaughtUp);
    }
    return chunk;
  }

  @Override
  public void done(ByteBuffer chunk) {
    ByteBuf data;
    lock.lock();
    try {
      data = handedOut.remove(chunk);
    } finally {
      lock.unlock();
    }
    if (data != null) {
      data.release();
    }
  }

  /**
   * Stops buffering: what waits is released, whatever the client still sends is dropped; what the
   * worker holds is released when it gives it back ({@link #done}).
   */
  @Override
  public void close() {
    lock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      queue.forEach(ByteBuf::release);
      queue.clear();
      queued = 0;
      // Chunks handed out stay the worker's until it gives them back (done): the response may end
      // (a dropped connection ends it) while the pipeline still hashes or writes them, and a
      // released buffer goes back to the pool that the next socket read fills. The pipeline gives
      // every chunk back before its copy returns.
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    channel.eventLoop().execute(this::resumeIfCaughtUp);
  }
}
