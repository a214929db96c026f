package dev.kiln.artifact;

import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link LargeUploadTest} against the S3 file store: 64 MiB in 13 parts, streamed both ways. */
@QuarkusTest
@TestProfile(S3StoreProfile.class)
class S3LargeUploadTest extends LargeUploadTest {}
