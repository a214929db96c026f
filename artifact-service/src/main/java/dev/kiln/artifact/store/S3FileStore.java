package dev.kiln.artifact.store;

import dev.kiln.artifact.config.ArtifactConfig;
import dev.kiln.artifact.domain.Sha256;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.jboss.logging.Logger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.LegacyMd5Plugin;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A {@link FileStore} in a bucket of an S3-compatible object store, shared by every replica of the
 * service. Everything lives under a key prefix:
 *
 * <ul>
 *   <li>{@code files/<aa>/<bb>/<sha256>}: the contents, one object each (the fan-out spreads the
 *       keys over prefixes, which S3 scales request rates by, and keeps file-backed stores'
 *       directories small).
 *   <li>{@code uploads/partial-<name>/<offset>}: the segments of a resumable upload, see {@link
 *       #partial}.
 *   <li>{@code uploads/staged-<uuid>}: a one-request upload committed under another hash than it
 *       was staged for (rare), and {@code uploads/probe-<uuid>} for the readiness check.
 * </ul>
 *
 * <p><b>Nothing partial is visible.</b> A one-request upload staged for its declared SHA-256 is a
 * multipart upload straight to the content's key, completed only by {@link StagedUpload#commit},
 * after the caller checked the hash: S3 shows a multipart upload's object only once it is complete,
 * so the content key holds the whole content or nothing, and no copy is needed. Bytes are sent in
 * parts of {@code part-size} from one buffer per upload (memory is bounded by part size times
 * concurrent uploads); a content smaller than one part is a single PUT at commit. Closing the
 * upload without committing aborts the multipart upload.
 *
 * <p>Ranged reads are ranged GETs; deletion is batched (DeleteObjects). Multipart uploads and
 * partial uploads older than the stale-upload age are removed at start-up, since a process that
 * died cannot abort its own; a bucket lifecycle rule that aborts incomplete multipart uploads after
 * a day is the belt to these braces.
 */
public final class S3FileStore implements FileStore, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(S3FileStore.class);

  /** S3's least size of a part, but the last. */
  static final long MIN_PART_SIZE = 5L << 20;

  /** S3's largest object one CopyObject can copy. */
  static final long MAX_SINGLE_COPY = 5L << 30;

  /** Largest range one UploadPartCopy of a multipart copy takes here (S3 allows 5 GiB). */
  static final long MAX_COPY_PIECE = 1L << 30;

  /** S3's most keys in one DeleteObjects request. */
  private static final int DELETE_BATCH = 1000;

  private static final Pattern PARTIAL_NAME = Pattern.compile("[A-Za-z0-9-]{1,200}");

  private static final String OCTET_STREAM = "application/octet-stream";

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final int partSize;

  /**
   * A store in the bucket that {@code config} names, through a client of its own; closing the store
   * closes it.
   */
  public S3FileStore(ArtifactConfig.S3 config) {
    this(
        client(config),
        config
            .bucket()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "kiln.artifacts.store.kind=s3 needs kiln.artifacts.store.s3.bucket"
                            + " (KILN_S3_BUCKET)")),
        config.prefix().orElse(""),
        config.partSize().asLongValue(),
        config.staleUploadAge());
  }

  /**
   * A store under {@code prefix} of {@code bucket}. Uploads in progress older than {@code
   * staleUploadAge} (left by a process that died) are removed.
   */
  public S3FileStore(
      S3Client s3, String bucket, String prefix, long partSize, Duration staleUploadAge) {
    if (partSize < MIN_PART_SIZE || partSize > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "the S3 part size must be between 5 MiB and 2 GiB, not " + partSize + " bytes");
    }
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix.isEmpty() || prefix.endsWith("/") ? prefix : prefix + "/";
    this.partSize = (int) partSize;
    int stale = deleteStaleUploads(Instant.now().minus(staleUploadAge));
    LOG.infof(
        "file store in s3://%s/%s (parts of %d MiB, %d stale uploads removed)",
        bucket, this.prefix, partSize >> 20, stale);
  }

  /** An S3 client for these settings: Apache HttpClient, SDK checksums only where S3 needs them. */
  public static S3Client client(ArtifactConfig.S3 config) {
    S3ClientBuilder builder =
        S3Client.builder()
            .httpClientBuilder(
                ApacheHttpClient.builder()
                    .maxConnections(config.maxConnections())
                    .connectionTimeout(config.connectTimeout())
                    .socketTimeout(config.socketTimeout()))
            .region(Region.of(config.region()))
            .forcePathStyle(config.pathStyleAccess())
            // the service checks every content's SHA-256 itself; the SDK's default CRC32
            // trailers are not understood by every S3-compatible store
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            // and where S3 needs one (DeleteObjects), the Content-MD5 every store knows rather
            // than the CRC32 header that SDK 2.30+ sends, which several stores refuse
            .addPlugin(LegacyMd5Plugin.create())
            .credentialsProvider(credentials(config));
    config.endpoint().ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider credentials(ArtifactConfig.S3 config) {
    if (config.accessKeyId().isPresent() != config.secretAccessKey().isPresent()) {
      throw new IllegalStateException(
          "set both kiln.artifacts.store.s3.access-key-id and secret-access-key"
              + " (KILN_S3_ACCESS_KEY_ID, KILN_S3_SECRET_ACCESS_KEY), or neither");
    }
    if (config.accessKeyId().isPresent()) {
      return StaticCredentialsProvider.create(
          AwsBasicCredentials.create(
              config.accessKeyId().get(), config.secretAccessKey().orElseThrow()));
    }
    return DefaultCredentialsProvider.builder().build();
  }

  // ---------------------------------------------------------------- keys

  /** The key of a content: {@code <prefix>files/<aa>/<bb>/<sha256>}. */
  String contentKey(String sha256) {
    if (!Sha256.isValid(sha256)) {
      throw new IllegalArgumentException("not a SHA-256: " + sha256);
    }
    return prefix + "files/" + sha256.substring(0, 2) + "/" + sha256.substring(2, 4) + "/" + sha256;
  }

  private String uploadsPrefix() {
    return prefix + "uploads/";
  }

  private String partialPrefix(String name) {
    return uploadsPrefix() + "partial-" + name + "/";
  }

  /** Segment keys sort by offset: zero-padded to the 19 digits of a long. */
  private String segmentKey(String name, long offset) {
    return partialPrefix(name) + String.format("%019d", offset);
  }

  // ---------------------------------------------------------------- FileStore

  @Override
  public StagedUpload stage() {
    return new S3StagedUpload(new ObjectWriter(uploadsPrefix() + "staged-" + UUID.randomUUID()));
  }

  @Override
  public StagedUpload stage(String expectedSha256) {
    return new S3StagedUpload(new ObjectWriter(contentKey(expectedSha256)));
  }

  @Override
  public boolean contains(String sha256) {
    try {
      return exists(contentKey(sha256));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Override
  public InputStream open(String sha256) throws IOException {
    return get(contentKey(sha256), null);
  }

  @Override
  public InputStream open(String sha256, long offset, long length) throws IOException {
    if (offset < 0 || length < 0) {
      throw new IllegalArgumentException("no bytes " + offset + "+" + length);
    }
    if (length == 0) {
      if (!contains(sha256)) {
        throw new NoSuchFileException(contentKey(sha256));
      }
      return InputStream.nullInputStream();
    }
    return get(contentKey(sha256), "bytes=" + offset + "-" + (offset + length - 1));
  }

  @Override
  public boolean delete(String sha256) throws IOException {
    String key = contentKey(sha256);
    if (!exists(key)) {
      return false;
    }
    call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
    return true;
  }

  @Override
  public int deleteAll(Collection<String> sha256s) throws IOException {
    List<String> keys = new ArrayList<>(sha256s.size());
    for (String sha256 : sha256s) {
      keys.add(contentKey(sha256));
    }
    return deleteKeys(keys);
  }

  @Override
  public void checkWritable() throws IOException {
    String key = uploadsPrefix() + "probe-" + UUID.randomUUID();
    call(
        "write " + key,
        () -> s3.putObject(b -> b.bucket(bucket).key(key).contentLength(0L), RequestBody.empty()));
    call("delete " + key, () -> s3.deleteObject(b -> b.bucket(bucket).key(key)));
  }

  /**
   * The partial upload with this name: the segments under {@code uploads/partial-<name>/}, each an
   * object keyed by the offset of its first byte, which together hold the bytes received so far.
   * Any replica can go on where another left off, because the state is the listing of the bucket:
   * its size is the end of the last segment.
   *
   * <p>A request appends one segment, sent in parts while it streams in and completed when the
   * request ends, even when its body broke off (the bytes that arrived are kept). A last segment
   * smaller than one part is read back (at most one part) and rewritten together with what the next
   * request appends, under the same key, so every segment but the last is at least one part large:
   * the commit can then assemble the content on the server with one UploadPartCopy per segment
   * (S3's parts but the last must be at least 5 MiB), and no byte travels through the service
   * again. An upload whose hashing state was lost (another replica, a restart) is read back once
   * through {@link PartialUpload#read}.
   *
   * <p>A partial upload exists once it holds a byte. Requests on one file are serialised per
   * process by the caller; two replicas writing the same segment at once (a client that retried
   * elsewhere while its first request still ran) write the same bytes to the same key, and a
   * content that ends up wrong anyway fails the SHA-256 check at commit and is discarded.
   */
  @Override
  public Optional<PartialUpload> partial(String name, boolean create) throws IOException {
    if (!PARTIAL_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("not a partial upload name: " + name);
    }
    List<Segment> segments = segments(name);
    if (segments.isEmpty() && !create) {
      return Optional.empty();
    }
    return Optional.of(new S3PartialUpload(name, segments));
  }

  @Override
  public void close() {
    s3.close();
  }

  // ---------------------------------------------------------------- S3 operations

  /** An S3 call; its SDK exceptions become IOExceptions naming what was done. */
  private interface Call<T> {
    T run();
  }

  private static <T> T call(String what, Call<T> call) throws IOException {
    try {
      return call.run();
    } catch (NoSuchKeyException e) {
      NoSuchFileException missing = new NoSuchFileException(what);
      missing.initCause(e);
      throw missing;
    } catch (SdkException e) {
      throw new IOException("S3: " + what + ": " + e.getMessage(), e);
    }
  }

  private boolean exists(String key) throws IOException {
    try {
      s3.headObject(b -> b.bucket(bucket).key(key));
      return true;
    } catch (NoSuchKeyException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw new IOException("S3: head " + key + ": " + e.getMessage(), e);
    } catch (SdkException e) {
      throw new IOException("S3: head " + key + ": " + e.getMessage(), e);
    }
  }

  /** A GET of an object, or of a range of it; closing the stream early drops the connection. */
  private InputStream get(String key, String range) throws IOException {
    ResponseInputStream<GetObjectResponse> response =
        call(
            (range == null ? "get " : "get " + range + " of ") + key,
            () -> s3.getObject(b -> b.bucket(bucket).key(key).range(range)));
    return new FilterInputStream(response) {
      private boolean ended;

      @Override
      public int read() throws IOException {
        int b = super.read();
        ended |= b < 0;
        return b;
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        ended |= n < 0;
        return n;
      }

      @Override
      public void close() throws IOException {
        if (!ended) {
          // rather than reading the rest of the object to keep the connection
          response.abort();
        }
        super.close();
      }
    };
  }

  private void putObject(String key, byte[] bytes, int length) throws IOException {
    call(
        "put " + key,
        () ->
            s3.putObject(
                b -> b.bucket(bucket).key(key).contentLength((long) length), body(bytes, length)));
  }

  /** A body read from the buffer itself: no copy (RequestBody.fromBytes would make one). */
  private static RequestBody body(byte[] bytes, int length) {
    return RequestBody.fromContentProvider(
        () -> new ByteArrayInputStream(bytes, 0, length), length, OCTET_STREAM);
  }

  /** Deletes objects in batches; how many were deleted. */
  private int deleteKeys(List<String> keys) throws IOException {
    int deleted = 0;
    IOException failure = null;
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch =
          keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
              .map(k -> ObjectIdentifier.builder().key(k).build())
              .toList();
      try {
        DeleteObjectsResponse response =
            call(
                "delete " + batch.size() + " objects",
                () ->
                    s3.deleteObjects(
                        b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true))));
        deleted += batch.size() - response.errors().size();
        if (response.hasErrors() && !response.errors().isEmpty()) {
          var first = response.errors().get(0);
          IOException e =
              new IOException(
                  "S3: "
                      + response.errors().size()
                      + " objects not deleted, e.g. "
                      + first.key()
                      + ": "
                      + first.code()
                      + " "
                      + first.message());
          if (failure == null) {
            failure = e;
          } else {
            failure.addSuppressed(e);
          }
        }
      } catch (IOException e) {
        if (failure == null) {
          failure = e;
        } else {
          failure.addSuppressed(e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
    return deleted;
  }

  /** A range of an object to copy. */
  private record Source(String key, long size) {}

  /**
   * Assembles {@code target} on the server from the sources in order: one CopyObject for a single
   * source S3 copies in one request, else a multipart upload with one UploadPartCopy per source
   * (per piece of at most {@value #MAX_COPY_PIECE} bytes of it). Every source but the last must be
   * at least {@link #MIN_PART_SIZE} large.
   */
  private void copy(List<Source> sources, String target) throws IOException {
    List<Source> nonEmpty = sources.stream().filter(s -> s.size() > 0).toList();
    if (nonEmpty.isEmpty()) {
      putObject(target, new byte[0], 0);
      return;
    }
    if (nonEmpty.size() == 1 && nonEmpty.get(0).size() <= MAX_SINGLE_COPY) {
      String source = nonEmpty.get(0).key();
      call(
          "copy " + source + " to " + target,
          () ->
              s3.copyObject(
                  b ->
                      b.sourceBucket(bucket)
                          .sourceKey(source)
                          .destinationBucket(bucket)
                          .destinationKey(target)));
      return;
    }
    String uploadId =
        call(
            "start a multipart copy to " + target,
            () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(target)).uploadId());
    try {
      List<CompletedPart> parts = new ArrayList<>();
      for (Source source : nonEmpty) {
        long pieces = (source.size() + MAX_COPY_PIECE - 1) / MAX_COPY_PIECE;
        long piece = (source.size() + pieces - 1) / pieces; // even pieces: none is tiny
        for (long first = 0; first < source.size(); first += piece) {
          long last = Math.min(source.size(), first + piece) - 1;
          int number = parts.size() + 1;
          String range = "bytes=" + first + "-" + last;
          String etag =
              call(
                  "copy " + range + " of " + source.key() + " to " + target,
                  () ->
                      s3.uploadPartCopy(
                              b ->
                                  b.sourceBucket(bucket)
                                      .sourceKey(source.key())
                                      .copySourceRange(range)
                                      .destinationBucket(bucket)
                                      .destinationKey(target)
                                      .uploadId(uploadId)
                                      .partNumber(number))
                          .copyPartResult()
                          .eTag());
          parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        }
      }
      call(
          "complete the multipart copy to " + target,
          () ->
              s3.completeMultipartUpload(
                  b ->
                      b.bucket(bucket)
                          .key(target)
                          .uploadId(uploadId)
                          .multipartUpload(m -> m.parts(parts))));
    } catch (IOException | RuntimeException e) {
      abortQuietly(target, uploadId);
      throw e;
    }
  }

  private void abortQuietly(String key, String uploadId) {
    try {
      s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
    } catch (SdkException e) {
      LOG.warnf(
          "could not abort the multipart upload %s of %s (removed at a later start-up): %s",
          uploadId, key, e.getMessage());
    }
  }

  // ---------------------------------------------------------------- stale uploads

  /** Removes what processes that died left behind: old objects under uploads/, old multiparts. */
  private int deleteStaleUploads(Instant cutoff) {
    int removed = 0;
    try {
      List<String> stale = new ArrayList<>();
      String group = null;
      List<String> groupKeys = new ArrayList<>();
      Instant groupNewest = Instant.MIN;
      for (S3Object object :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(uploadsPrefix())).contents()) {
        String rest = object.key().substring(uploadsPrefix().length());
        int slash = rest.indexOf('/');
        if (rest.startsWith("partial-") && slash > 0) {
          // a partial upload goes as a whole, once its newest segment is old
          String name = rest.substring(0, slash);
          if (!name.equals(group)) {
            if (groupNewest.isBefore(cutoff)) {
              stale.addAll(groupKeys);
            }
            group = name;
            groupKeys.clear();
            groupNewest = Instant.MIN;
          }
          groupKeys.add(object.key());
          if (object.lastModified().isAfter(groupNewest)) {
            groupNewest = object.lastModified();
          }
        } else if (object.lastModified().isBefore(cutoff)) {
          stale.add(object.key());
        }
      }
      if (groupNewest.isBefore(cutoff)) {
        stale.addAll(groupKeys);
      }
      removed += deleteKeys(stale);
    } catch (IOException | SdkException e) {
      LOG.warnf("could not remove stale uploads under %s: %s", uploadsPrefix(), e.getMessage());
    }
    try {
      for (MultipartUpload upload :
          s3.listMultipartUploadsPaginator(b -> b.bucket(bucket).prefix(prefix)).uploads()) {
        if (upload.initiated() != null && upload.initiated().isBefore(cutoff)) {
          abortQuietly(upload.key(), upload.uploadId());
          removed++;
        }
      }
    } catch (SdkException e) {
      LOG.warnf("could not list the multipart uploads under %s: %s", prefix, e.getMessage());
    }
    return removed;
  }

  // ---------------------------------------------------------------- writing

  /**
   * Writes one object in parts from one buffer of {@code partSize}: a part is uploaded each time
   * the buffer fills, the object appears only at {@link #finish}. An object smaller than a part is
   * one PUT at finish. {@link #close} does nothing: the owner finishes or aborts.
   */
  private final class ObjectWriter extends OutputStream {

    final String key;
    private byte[] buffer;
    private int filled;
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();
    private long written;
    private boolean ended;

    ObjectWriter(String key) {
      this.key = key;
    }

    long written() {
      return written;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (ended) {
        throw new IOException("the upload to " + key + " has ended");
      }
      while (len > 0) {
        if (buffer == null) {
          buffer = new byte[partSize];
        }
        int n = Math.min(len, partSize - filled);
        System.arraycopy(b, off, buffer, filled, n);
        filled += n;
        off += n;
        len -= n;
        written += n;
        if (filled == partSize) {
          uploadPart();
        }
      }
    }

    private void uploadPart() throws IOException {
      if (uploadId == null) {
        uploadId =
            call(
                "start a multipart upload to " + key,
                () -> s3.createMultipartUpload(b -> b.bucket(bucket).key(key)).uploadId());
      }
      int number = parts.size() + 1;
      int length = filled;
      String id = uploadId;
      String etag =
          call(
              "upload part " + number + " of " + key,
              () ->
                  s3.uploadPart(
                          b ->
                              b.bucket(bucket)
                                  .key(key)
                                  .uploadId(id)
                                  .partNumber(number)
                                  .contentLength((long) length),
                          body(buffer, length))
                      .eTag());
      parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
      filled = 0;
    }

    /** Keeps only the first {@code size} bytes, possible while none has left the buffer. */
    boolean shrinkTo(long size) {
      if (ended || uploadId != null || size > written) {
        return false;
      }
      filled = (int) size;
      written = size;
      return true;
    }

    /** Makes the object visible with what was written. */
    void finish() throws IOException {
      if (ended) {
        throw new IllegalStateException("the upload to " + key + " has ended");
      }
      ended = true;
      try {
        if (uploadId == null) {
          putObject(key, buffer == null ? new byte[0] : buffer, filled);
        } else {
          if (filled > 0) {
            uploadPart();
          }
          String id = uploadId;
          call(
              "complete the multipart upload to " + key,
              () ->
                  s3.completeMultipartUpload(
                      b ->
                          b.bucket(bucket)
                              .key(key)
                              .uploadId(id)
                              .multipartUpload(m -> m.parts(parts))));
        }
      } catch (IOException | RuntimeException e) {
        if (uploadId != null) {
          abortQuietly(key, uploadId);
        }
        throw e;
      } finally {
        buffer = null;
      }
    }

    /** Drops what was written; nothing appears. */
    void abort() {
      if (ended) {
        return;
      }
      ended = true;
      buffer = null;
      if (uploadId != null) {
        abortQuietly(key, uploadId);
      }
    }

    @Override
    public void close() {
      // the owner finishes or aborts
    }
  }

  private final class S3StagedUpload implements StagedUpload {

    private final ObjectWriter writer;
    private boolean done;

    S3StagedUpload(ObjectWriter writer) {
      this.writer = writer;
    }

    @Override
    public OutputStream output() {
      return writer;
    }

    @Override
    public boolean commit(String sha256) throws IOException {
      if (done) {
        throw new IllegalStateException("this upload was committed or discarded already");
      }
      String target = contentKey(sha256);
      done = true;
      try {
        if (exists(target)) {
          writer.abort();
          return false;
        }
        writer.finish();
        if (!writer.key.equals(target)) {
          try {
            copy(List.of(new Source(writer.key, writer.written())), target);
          } finally {
            deleteKeys(List.of(writer.key));
          }
        }
        return true;
      } catch (IOException | RuntimeException e) {
        writer.abort();
        throw e;
      }
    }

    @Override
    public void close() {
      if (!done) {
        done = true;
        writer.abort();
      }
    }
  }

  // ---------------------------------------------------------------- partial uploads

  /** A segment of a partial upload: bytes {@code [offset, offset + size)} in object {@code key}. */
  private record Segment(long offset, String key, long size) {
    long end() {
      return offset + size;
    }
  }

  /**
   * The segments of a partial upload, in order, that hold its bytes from byte 0 without a gap;
   * anything after a gap (only two replicas racing could leave one) is not part of it.
   */
  private List<Segment> segments(String name) throws IOException {
    String dir = partialPrefix(name);
    List<Segment> segments = new ArrayList<>();
    try {
      for (S3Object object :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(dir)).contents()) {
        long offset;
        try {
          offset = Long.parseLong(object.key().substring(dir.length()));
        } catch (NumberFormatException e) {
          continue;
        }
        long end = segments.isEmpty() ? 0 : segments.get(segments.size() - 1).end();
        if (offset != end) {
          LOG.warnf("partial upload %s: segment at %d after byte %d ignored", name, offset, end);
          break;
        }
        segments.add(new Segment(offset, object.key(), object.size()));
      }
    } catch (SdkException e) {
      throw new IOException("S3: list " + dir + ": " + e.getMessage(), e);
    }
    return segments;
  }

  private final class S3PartialUpload implements PartialUpload {

    private final String name;
    private final List<Segment> segments;
    private ObjectWriter writer;
    private long writerOffset;
    private long carried;
    private boolean done;

    S3PartialUpload(String name, List<Segment> segments) {
      this.name = name;
      this.segments = new ArrayList<>(segments);
    }

    private long persisted() {
      return segments.isEmpty() ? 0 : segments.get(segments.size() - 1).end();
    }

    private void checkActive() {
      if (done) {
        throw new IllegalStateException("partial upload " + name + " was committed or discarded");
      }
    }

    @Override
    public long size() {
      return writer == null ? persisted() : writerOffset + writer.written();
    }

    @Override
    public OutputStream append() throws IOException {
      checkActive();
      if (writer != null) {
        return writer;
      }
      Segment last = segments.isEmpty() ? null : segments.get(segments.size() - 1);
      if (last != null && last.size() < partSize) {
        // a short last segment is rewritten with what this request appends
        ObjectWriter w = new ObjectWriter(last.key());
        try (InputStream in = get(last.key(), null)) {
          in.transferTo(w);
        }
        if (w.written() != last.size()) {
          w.abort();
          throw new IOException(
              "segment " + last.key() + " held " + w.written() + " bytes, not " + last.size());
        }
        writer = w;
        writerOffset = last.offset();
        carried = last.size();
      } else {
        writer = new ObjectWriter(segmentKey(name, persisted()));
        writerOffset = persisted();
        carried = 0;
      }
      return writer;
    }

    @Override
    public void truncate(long size) throws IOException {
      checkActive();
      if (size == size()) {
        return;
      }
      if (writer != null) {
        if (size == writerOffset + carried) {
          writer.abort(); // the carried segment was never replaced
          writer = null;
          return;
        }
        if (size > writerOffset + carried && writer.shrinkTo(size - writerOffset)) {
          return;
        }
      }
      throw new IOException(
          "partial upload "
              + name
              + " cannot be cut back to "
              + size
              + " bytes: only to what earlier requests left ("
              + (writer == null ? persisted() : writerOffset + carried)
              + ")");
    }

    /** Completes the segment this request appended, if it appended anything. */
    private void persist() throws IOException {
      if (writer == null) {
        return;
      }
      ObjectWriter w = writer;
      writer = null;
      if (w.written() == carried) {
        w.abort();
        return;
      }
      w.finish();
      if (carried > 0) {
        segments.remove(segments.size() - 1);
      }
      segments.add(new Segment(writerOffset, w.key, w.written()));
    }

    @Override
    public InputStream read() throws IOException {
      checkActive();
      persist();
      Iterator<Segment> next = List.copyOf(segments).iterator();
      return new InputStream() {
        private InputStream current = InputStream.nullInputStream();

        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          while (true) {
            int n = current.read(b, off, len);
            if (n >= 0 || !next.hasNext()) {
              return n;
            }
            current.close();
            current = get(next.next().key(), null);
          }
        }

        @Override
        public void close() throws IOException {
          current.close();
        }
      };
    }

    @Override
    public boolean commit(String sha256) throws IOException {
      checkActive();
      String target = contentKey(sha256);
      persist();
      done = true;
      boolean stored = false;
      if (!exists(target)) {
        copy(segments.stream().map(s -> new Source(s.key(), s.size())).toList(), target);
        stored = true;
      }
      deleteSegments();
      return stored;
    }

    @Override
    public void discard() throws IOException {
      done = true;
      if (writer != null) {
        writer.abort();
        writer = null;
      }
      deleteSegments();
    }

    private void deleteSegments() throws IOException {
      // the listing again: a segment another replica added is removed too
      Set<String> keys = new LinkedHashSet<>();
      for (Segment s : segments) {
        keys.add(s.key());
      }
      for (Segment s : segments(name)) {
        keys.add(s.key());
      }
      segments.clear();
      deleteKeys(new ArrayList<>(keys));
    }

    @Override
    public void close() throws IOException {
      if (!done) {
        persist();
      }
    }
  }
}
