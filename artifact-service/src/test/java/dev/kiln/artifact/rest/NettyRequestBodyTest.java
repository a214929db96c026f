package dev.kiln.artifact.rest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The upload body taken from a Netty pipeline, on an embedded channel standing in for Vert.x's. */
class NettyRequestBodyTest {

  /** What reaches the handler after the body's: Vert.x's place. */
  private final List<Object> vertx = new ArrayList<>();

  private EmbeddedChannel channel() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel
        .pipeline()
        .addLast(
            "handler",
            new ChannelInboundHandlerAdapter() {
              @Override
              public void channelRead(ChannelHandlerContext ctx, Object msg) {
                vertx.add(msg);
              }
            });
    return channel;
  }

  private static ByteBuf direct(byte[] bytes) {
    ByteBuf buf = Unpooled.directBuffer(bytes.length);
    buf.writeBytes(bytes);
    return buf;
  }

  private static byte[] bytes(ByteBuffer chunk) {
    byte[] out = new byte[chunk.remaining()];
    chunk.duplicate().get(out);
    return out;
  }

  @Test
  void theBuffersThemselvesAreHandedOutInOrderAndReleasedWhenDone() throws IOException {
    EmbeddedChannel channel = channel();
    NettyRequestBody body = NettyRequestBody.attach(channel, false, () -> {});
    assertInstanceOf(UploadReadAllocator.class, channel.config().getAllocator());
    ByteBuf first = direct(new byte[] {1, 2, 3});
    ByteBuf last = direct(new byte[] {4, 5});
    channel.writeInbound(new DefaultHttpContent(first));
    channel.writeInbound(new DefaultLastHttpContent(last));

    // only the end of the body reaches Vert.x, and the handler has left the pipeline
    assertEquals(1, vertx.size());
    LastHttpContent end = assertInstanceOf(LastHttpContent.class, vertx.get(0));
    assertEquals(0, end.content().readableBytes());
    assertNull(channel.pipeline().get(NettyRequestBody.HANDLER));
    assertFalse(channel.config().getAllocator() instanceof UploadReadAllocator);

    ByteBuffer a = body.next();
    ByteBuffer b = body.next();
    assertNull(body.next());
    assertTrue(a.isDirect());
    assertArrayEquals(new byte[] {1, 2, 3}, bytes(a));
    assertArrayEquals(new byte[] {4, 5}, bytes(b));
    assertEquals(1, first.refCnt());
    body.done(a);
    body.done(b);
    assertEquals(0, first.refCnt());
    assertEquals(0, last.refCnt());
    body.close();
  }

  @Test
  void readingStopsAtTheHighWaterMarkAndGoesOnOnceTheReaderCaughtUp() throws IOException {
    EmbeddedChannel channel = channel();
    NettyRequestBody body = NettyRequestBody.attach(channel, false, () -> {});
    int piece = 256 << 10;
    int pieces = NettyRequestBody.HIGH_WATER_MARK / piece;
    for (int i = 0; i < pieces; i++) {
      channel.writeInbound(new DefaultHttpContent(direct(new byte[piece])));
    }
    assertFalse(channel.config().isAutoRead());
    int untilLow = pieces - NettyRequestBody.LOW_WATER_MARK / piece;
    for (int i = 0; i < untilLow; i++) {
      body.done(body.next());
      channel.runPendingTasks();
      if (i < untilLow - 1) {
        assertFalse(channel.config().isAutoRead(), "resumed after " + (i + 1) + " pieces");
      }
    }
    assertTrue(channel.config().isAutoRead());
    body.close();
    channel.runPendingTasks();
  }

  @Test
  void aClosedBodyReleasesWhatWaitsAndDropsTheRest() {
    EmbeddedChannel channel = channel();
    NettyRequestBody body = NettyRequestBody.attach(channel, false, () -> {});
    ByteBuf waiting = direct(new byte[10]);
    channel.writeInbound(new DefaultHttpContent(waiting));
    body.close();
    channel.runPendingTasks();
    assertEquals(0, waiting.refCnt());
    ByteBuf later = direct(new byte[10]);
    channel.writeInbound(new DefaultLastHttpContent(later));
    assertEquals(0, later.refCnt());
    assertEquals(1, vertx.size()); // the end still reaches Vert.x, the request completes
    assertThrows(IOException.class, body::next);
  }

  @Test
  void aChunkTheWorkerHoldsIsNotReleasedByACloseButWhenGivenBack() throws IOException {
    // the response ends (e.g. the client dropped the connection) while the pipeline still writes
    // a chunk: its buffer must not go back to the pool under the writer
    EmbeddedChannel channel = channel();
    NettyRequestBody body = NettyRequestBody.attach(channel, false, () -> {});
    ByteBuf held = direct(new byte[] {1, 2, 3});
    ByteBuf waiting = direct(new byte[] {4});
    channel.writeInbound(new DefaultHttpContent(held));
    channel.writeInbound(new DefaultHttpContent(waiting));
    ByteBuffer chunk = body.next();
    body.close();
    channel.runPendingTasks();
    assertEquals(0, waiting.refCnt(), "what waited is released");
    assertEquals(1, held.refCnt(), "what the worker holds is still its own");
    assertArrayEquals(new byte[] {1, 2, 3}, bytes(chunk));
    body.done(chunk);
    assertEquals(0, held.refCnt());
  }

  @Test
  void aConnectionClosedBeforeTheEndFailsTheReadAfterWhatArrived() throws IOException {
    EmbeddedChannel channel = channel();
    NettyRequestBody body = NettyRequestBody.attach(channel, false, () -> {});
    channel.writeInbound(new DefaultHttpContent(direct(new byte[] {7})));
    channel.close();
    ByteBuffer arrived = body.next();
    assertArrayEquals(new byte[] {7}, bytes(arrived));
    body.done(arrived);
    assertThrows(IOException.class, body::next);
    body.close();
  }

  @Test
  void aClientThatExpects100ContinueGetsItAtTheFirstRead() throws IOException {
    EmbeddedChannel channel = channel();
    AtomicInteger continues = new AtomicInteger();
    NettyRequestBody body = NettyRequestBody.attach(channel, true, continues::incrementAndGet);
    channel.runPendingTasks();
    assertEquals(0, continues.get());
    channel.writeInbound(LastHttpContent.EMPTY_LAST_CONTENT);
    assertNull(body.next());
    channel.runPendingTasks();
    assertEquals(1, continues.get());
    body.close();
  }
}
