package dev.kiln.artifact.transfer;

import dev.kiln.artifact.service.UploadResult;

/** The answer to one request of a resumable upload. */
public sealed interface ChunkResult {

  /** The file is complete: 201 when this request completed it, 200 when it was complete already. */
  record Complete(UploadResult result) implements ChunkResult {}

  /** More bytes are expected: 308 with the {@code Range} received so far. */
  record Incomplete(long received) implements ChunkResult {}

  /**
   * The request was refused, but what was received stays: a problem with the {@code Range} received
   * so far, from which the client resumes.
   *
   * @param status 416 for a chunk that does not start where the received bytes end or that goes
   *     past the end of the file, 400 for a body that does not hold the bytes the chunk announced
   */
  record Refused(int status, String title, String detail, long received) implements ChunkResult {}
}
