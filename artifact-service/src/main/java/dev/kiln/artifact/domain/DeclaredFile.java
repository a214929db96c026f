package dev.kiln.artifact.domain;

/**
 * A file as a client declares it when creating an artifact.
 *
 * @param size its size in bytes
 * @param sha256 its SHA-256, 64 lowercase hexadecimal digits
 */
public record DeclaredFile(Long size, String sha256) {}
