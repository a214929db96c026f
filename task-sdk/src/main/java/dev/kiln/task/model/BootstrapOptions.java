package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * How to bootstrap a system ({@code bootstrap_options}).
 *
 * @param architecture the Debian architecture of the system
 * @param variant the mmdebstrap variant (e.g. {@code minbase}, {@code buildd})
 * @param extraPackages packages to add
 * @param useSignedBy whether sources use {@code Signed-By}
 */
public record BootstrapOptions(
    @JsonProperty(required = true) String architecture,
    String variant,
    List<String> extraPackages,
    Boolean useSignedBy) {}
