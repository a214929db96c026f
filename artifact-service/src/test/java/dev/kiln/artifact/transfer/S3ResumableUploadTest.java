package dev.kiln.artifact.transfer;

import dev.kiln.artifact.S3StoreProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link ResumableUploadTest} against the S3 file store: partial uploads live in the bucket. */
@QuarkusTest
@TestProfile(S3StoreProfile.class)
class S3ResumableUploadTest extends ResumableUploadTest {}
