package dev.kiln.artifact.rest;

import dev.kiln.artifact.domain.HashingPipeline;

/**
 * The body of an upload, read by the request's worker thread: {@link NettyRequestBody} (the
 * connection's own direct buffers, taken before Vert.x sees them) or {@link RequestBodyStream} (the
 * buffers Vert.x hands out). Closing it stops the reading: whatever the client still sends is read
 * and dropped.
 */
interface UploadBody extends HashingPipeline.Source, AutoCloseable {

  @Override
  void close();
}
