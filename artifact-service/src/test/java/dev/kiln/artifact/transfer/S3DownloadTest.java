package dev.kiln.artifact.transfer;

import dev.kiln.artifact.S3StoreProfile;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;

/** {@link DownloadTest} against the S3 file store: ranges are ranged GETs, tar streams objects. */
@QuarkusTest
@TestProfile(S3StoreProfile.class)
class S3DownloadTest extends DownloadTest {}
