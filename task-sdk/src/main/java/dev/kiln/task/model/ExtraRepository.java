package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * An extra APT repository made available to a task ({@code extra_repositories[]}).
 *
 * @param url the repository URL
 * @param suite the suite (or a path ending in {@code /} for a flat repository)
 * @param components the components; none for a flat repository
 * @param signingKey the ASCII-armoured OpenPGP key the repository is signed with
 */
public record ExtraRepository(
    @JsonProperty(required = true) String url,
    @JsonProperty(required = true) String suite,
    List<String> components,
    String signingKey) {}
