package dev.kiln.artifact.rest;

import io.netty.buffer.AbstractByteBufAllocator;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledDirectByteBuf;
import java.nio.ByteBuffer;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The allocator of a connection while {@link NettyRequestBody} receives an upload: the socket is
 * read into direct buffers of {@value #READ_SIZE} bytes (Netty asks for at most 64 KiB, and a read
 * fills what it is given), taken from a pool shared by all uploads, so a GiB takes a few thousand
 * reads instead of tens of thousands and no memory is allocated, zeroed and freed per read. Netty's
 * own pool frees a chunk whenever an upload's buffers are all released and maps a new one for the
 * next (zeroed, page-faulted), which cost the event loop a fifth of its time. At most {@value
 * #POOLED} buffers are kept; more in use at once (several uploads) are allocated and left to the
 * garbage collector when released. Everything else (heap buffers, larger ones) comes from the
 * connection's own allocator.
 */
final class UploadReadAllocator extends AbstractByteBufAllocator {

  /** The size of a read buffer. */
  static final int READ_SIZE = 256 << 10;

  /** How many free read buffers the pool keeps (16 MiB). */
  static final int POOLED = 64;

  private static final ConcurrentLinkedQueue<ByteBuffer> FREE = new ConcurrentLinkedQueue<>();
  private static final AtomicInteger FREE_COUNT = new AtomicInteger();

  private final ByteBufAllocator connection;

  UploadReadAllocator(ByteBufAllocator connection) {
    super(true);
    this.connection = connection;
  }

  /** The allocator this one replaced, to put back when the upload's body ended. */
  ByteBufAllocator connection() {
    return connection;
  }

  @Override
  public ByteBuf ioBuffer(int initialCapacity) {
    return initialCapacity <= READ_SIZE ? readBuffer() : connection.ioBuffer(initialCapacity);
  }

  @Override
  public ByteBuf ioBuffer() {
    return readBuffer();
  }

  @Override
  protected ByteBuf newHeapBuffer(int initialCapacity, int maxCapacity) {
    return connection.heapBuffer(initialCapacity, maxCapacity);
  }

  @Override
  protected ByteBuf newDirectBuffer(int initialCapacity, int maxCapacity) {
    return connection.directBuffer(initialCapacity, maxCapacity);
  }

  @Override
  public boolean isDirectBufferPooled() {
    return true;
  }

  private ByteBuf readBuffer() {
    ByteBuffer memory = FREE.poll();
    if (memory == null) {
      memory = ByteBuffer.allocateDirect(READ_SIZE);
    } else {
      FREE_COUNT.decrementAndGet();
      memory.clear();
    }
    return new ReadBuffer(this, memory);
  }

  /** A read buffer: fixed size (never grown in place), back to the pool when released. */
  private static final class ReadBuffer extends UnpooledDirectByteBuf {

    private final ByteBuffer memory;

    ReadBuffer(ByteBufAllocator alloc, ByteBuffer memory) {
      super(alloc, memory, memory.capacity());
      this.memory = memory;
      clear(); // the wrapping constructor makes the buffer's content readable: empty it
    }

    @Override
    protected void deallocate() {
      super.deallocate(); // forgets the memory without freeing it (a wrapped buffer)
      if (FREE_COUNT.incrementAndGet() <= POOLED) {
        FREE.offer(memory);
      } else {
        FREE_COUNT.decrementAndGet(); // the garbage collector frees it
      }
    }
  }
}
