package dev.kiln.artifact.transfer;

import dev.kiln.artifact.domain.HashingCopy;
import dev.kiln.artifact.domain.HashingPipeline;
import dev.kiln.artifact.domain.Sha256;
import dev.kiln.artifact.service.ArtifactFile;
import dev.kiln.artifact.service.ArtifactService;
import dev.kiln.artifact.service.UploadResult;
import dev.kiln.artifact.store.FileStore;
import dev.kiln.common.auth.Caller;
import dev.kiln.common.problem.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import org.jboss.logging.Logger;

/**
 * Resumable uploads: a file received in chunks ({@code Content-Range: bytes FIRST-LAST/SIZE}), over
 * as many requests and connections as it takes, into a partial upload of the store kept per
 * (artifact, path). Each chunk must start where the received bytes end; a chunk cut short by a
 * broken connection keeps the bytes that arrived, and a probe ({@code bytes * /SIZE}) tells the
 * client where to resume. When the last byte arrives the content is checked against the declared
 * SHA-256 and moved into the store, or discarded on a mismatch: nothing partial is ever readable.
 *
 * <p>Hashing stays one pass over the bytes: the SHA-256 state is carried in memory from chunk to
 * chunk, updated as each byte is written. When that state is not there (the service restarted
 * between two chunks, or a write failed) the partial file is read once at completion instead. The
 * received size is the partial upload's size in the store, so no table is needed. With the local
 * store partial uploads live on the service's disk, so the chunks of one file must reach the same
 * instance; with the S3 store they live in the bucket and any replica can take the next chunk.
 *
 * <p>One request at a time works on a given file: a second one waits up to {@value
 * #LOCK_WAIT_SECONDS} s (time for the request of a broken connection to notice) and is then refused
 * with 409.
 */
@ApplicationScoped
public class ResumableUploads {

  private static final Logger LOG = Logger.getLogger(ResumableUploads.class);

  static final long LOCK_WAIT_SECONDS = 10;

  @Inject ArtifactService artifacts;
  @Inject FileStore store;
  @Inject MeterRegistry registry;
  @Inject HashingPipeline pipeline;

  private final ConcurrentHashMap<String, Progress> progress = new ConcurrentHashMap<>();

  /** What this process knows of one partial upload, guarded by its lock. */
  private static final class Progress {
    final ReentrantLock lock = new ReentrantLock();

    /** SHA-256 state of the first {@link #hashed} bytes of the partial upload, or null. */
    MessageDigest digest;

    long hashed;
  }

  /**
   * Handles one request of a resumable upload: a chunk, or a probe whose body is ignored. The body
   * is read only after the caller was found allowed to upload; the caller closes it.
   *
   * @throws ApiException NOT_FOUND, FORBIDDEN, INVALID_INPUT when the range does not fit the
   *     declared file, CONFLICT when the completed content is not the declared one (the partial
   *     upload is then discarded) or another request holds the file for too long
   */
  public ChunkResult receive(
      long artifactId,
      String path,
      ContentRange range,
      HashingPipeline.Source body,
      Caller caller) {
    ArtifactFile declared = artifacts.fileForUpload(artifactId, path, caller);
    if (range.size() != declared.size()) {
      throw ApiException.invalidField(
          ContentRange.HEADER,
          "gives a size of "
              + range.size()
              + " bytes, but the file was declared with "
              + declared.size());
    }
    if (declared.complete()) {
      return new ChunkResult.Complete(new UploadResult(declared, false));
    }
    String name = partialName(artifactId, path);
    Progress state = acquire(name, declared);
    try {
      return range.isProbe()
          ? probe(declared, name, state)
          : receiveChunk(declared, name, state, range, body);
    } catch (IOException e) {
      state.digest = null;
      throw new UncheckedIOException("upload of '" + path + "' to artifact " + artifactId, e);
    } finally {
      state.lock.unlock();
    }
  }

  private ChunkResult probe(ArtifactFile declared, String name, Progress state) throws IOException {
    Optional<FileStore.PartialUpload> existing = store.partial(name, false);
    if (existing.isEmpty()) {
      return new ChunkResult.Incomplete(0);
    }
    try (FileStore.PartialUpload partial = existing.get()) {
      long received = partial.size();
      if (received == declared.size()) {
        // every byte arrived, but the service stopped before it could finish: finish now
        return complete(declared, name, state, partial);
      }
      return new ChunkResult.Incomplete(received);
    }
  }

  private ChunkResult receiveChunk(
      ArtifactFile declared,
      String name,
      Progress state,
      ContentRange range,
      HashingPipeline.Source body)
      throws IOException {
    try (FileStore.PartialUpload partial = store.partial(name, true).orElseThrow()) {
      long received = partial.size();
      if (range.last() >= declared.size()) {
        return new ChunkResult.Refused(
            416,
            "Range not satisfiable",
            "the chunk ends at byte "
                + range.last()
                + ", past the end of the file of "
                + declared.size()
                + " bytes",
            received);
      }
      if (range.first() != received) {
        return new ChunkResult.Refused(
            416,
            "Range not satisfiable",
            "the chunk starts at byte "
                + range.first()
                + ", but "
                + received
                + " bytes were received so far: send the chunk that starts at byte "
                + received,
            received);
      }
      if (state.digest != null && state.hashed != received) {
        state.digest = null;
      }
      if (state.digest == null && received == 0) {
        state.digest = Sha256.newDigest();
        state.hashed = 0;
      }
      MessageDigest before = copyOf(state.digest);
      HashingPipeline.Result copied;
      try {
        copied = pipeline.copy(body, partial.appendChannel(), range.length(), state.digest);
      } catch (IOException | RuntimeException e) {
        state.digest = null; // the file may hold part of what was hashed
        throw e;
      }
      if (state.digest != null) {
        state.hashed += copied.written();
      }
      registry.counter("kiln_artifact_upload_bytes_total").increment(copied.written());
      if (copied.overrun()) {
        partial.truncate(received);
        state.digest = before;
        state.hashed = received;
        return new ChunkResult.Refused(
            400,
            "Invalid chunk",
            "the body holds more than the "
                + range.length()
                + " bytes of the Content-Range; the chunk was dropped",
            received);
      }
      received += copied.written();
      if (copied.readFailure() != null) {
        LOG.infof(
            "artifact %d: chunk of '%s' broken off after %d bytes (%d of %d received): %s",
            declared.artifactId(),
            declared.path(),
            copied.written(),
            received,
            declared.size(),
            copied.readFailure().getMessage());
        return new ChunkResult.Refused(
            400,
            "Incomplete chunk",
            "the body broke off after "
                + copied.written()
                + " of the "
                + range.length()
                + " bytes of the Content-Range; the bytes received were kept",
            received);
      }
      if (copied.written() < range.length()) {
        return new ChunkResult.Refused(
            400,
            "Incomplete chunk",
            "the body held "
                + copied.written()
                + " of the "
                + range.length()
                + " bytes of the Content-Range; the bytes received were kept",
            received);
      }
      if (received == declared.size()) {
        return complete(declared, name, state, partial);
      }
      return new ChunkResult.Incomplete(received);
    }
  }

  /** Checks the received content and moves it into the store, or discards it. */
  private ChunkResult complete(
      ArtifactFile declared, String name, Progress state, FileStore.PartialUpload partial)
      throws IOException {
    String sha;
    if (state.digest != null && state.hashed == declared.size()) {
      sha = Sha256.finish(state.digest);
    } else {
      LOG.debugf("%s: no hashing state in memory, reading the received bytes", name);
      try (InputStream in = partial.read()) {
        sha = HashingCopy.copy(in, OutputStream.nullOutputStream(), Long.MAX_VALUE).sha256();
      }
    }
    state.digest = null;
    progress.remove(name, state);
    if (!declared.sha256().equals(sha)) {
      partial.discard();
      registry.counter("kiln_artifact_uploads_total", "result", "mismatch").increment();
      LOG.warnf(
          "artifact %d: resumable upload of '%s' refused: SHA-256 %s instead of %s",
          declared.artifactId(), declared.path(), sha, declared.sha256());
      throw ApiException.conflict(
          "the received content has SHA-256 "
              + sha
              + ", but the file was declared with "
              + declared.sha256()
              + "; the received bytes were discarded, upload the file again from byte 0");
    }
    String received = sha;
    ArtifactService.Completed completed =
        artifacts.completeUpload(declared, () -> partial.commit(received));
    boolean newlyStored = completed.newlyStored();
    boolean newlyComplete = completed.newlyComplete();
    registry
        .counter("kiln_artifact_uploads_total", "result", newlyStored ? "stored" : "deduplicated")
        .increment();
    LOG.infof(
        "artifact %d: '%s' uploaded in chunks (%d bytes, %s)",
        declared.artifactId(),
        declared.path(),
        declared.size(),
        newlyStored ? "stored" : "content already stored");
    return new ChunkResult.Complete(
        new UploadResult(
            new ArtifactFile(declared.artifactId(), declared.path(), declared.size(), sha, true),
            newlyComplete));
  }

  /** Takes the file's lock, waiting for a request that holds it. */
  private Progress acquire(String name, ArtifactFile declared) {
    long deadline = System.nanoTime() + Duration.ofSeconds(LOCK_WAIT_SECONDS).toNanos();
    while (true) {
      Progress state = progress.computeIfAbsent(name, ignored -> new Progress());
      boolean locked;
      try {
        locked = state.lock.tryLock(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        locked = false;
      }
      if (!locked) {
        throw ApiException.conflict(
            "another request is uploading '"
                + declared.path()
                + "' of artifact "
                + declared.artifactId()
                + "; try again later");
      }
      if (progress.get(name) == state) {
        return state;
      }
      state.lock.unlock(); // the upload ended while this request waited: start afresh
    }
  }

  /** The store's name for the partial upload of a file: its artifact and the hash of its path. */
  static String partialName(long artifactId, String path) {
    return artifactId
        + "-"
        + HexFormat.of()
            .formatHex(Sha256.newDigest().digest(path.getBytes(StandardCharsets.UTF_8)));
  }

  private static MessageDigest copyOf(MessageDigest digest) {
    if (digest == null) {
      return null;
    }
    try {
      return (MessageDigest) digest.clone();
    } catch (CloneNotSupportedException e) {
      return null; // the partial file is then read once at completion
    }
  }
}
