/**
 * Artifact rules as plain Java: the known categories, what a safe file path is, the form of a
 * SHA-256, who may create, upload and read, and hashing a stream as it is copied. Nothing here
 * touches the database, REST or the file store.
 */
package dev.kiln.artifact.domain;
