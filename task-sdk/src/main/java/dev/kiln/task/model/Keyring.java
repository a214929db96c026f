package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A keyring downloaded to check a bootstrap repository's signature.
 *
 * @param url where to download it
 * @param sha256sum its expected SHA-256
 * @param installPath where to install it in the built system
 */
public record Keyring(
    @JsonProperty(required = true) String url, String sha256sum, String installPath) {}
