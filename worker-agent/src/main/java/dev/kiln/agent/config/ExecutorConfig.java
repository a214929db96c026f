package dev.kiln.agent.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

/**
 * Executor backends and the environment image cache ({@code kiln.agent.executor.*}); the
 * environment variable in brackets.
 */
@ConfigMapping(prefix = "kiln.agent.executor")
public interface ExecutorConfig {

  /**
   * Directory of the environment image cache (KILN_AGENT_IMAGE_CACHE_DIR); {@code ~/system-images}
   * when unset, as in Debusine.
   */
  Optional<String> imageCacheDir();

  /**
   * How many environment images the cache keeps; the least recently used beyond that are evicted
   * (KILN_AGENT_IMAGE_CACHE_SIZE).
   */
  @WithDefault("10")
  int imageCacheSize();

  /**
   * Directory for the instances of the unshare and qemu backends (KILN_AGENT_INSTANCES_DIR); {@code
   * instances} under the image cache directory when unset.
   */
  Optional<String> instancesDir();

  /**
   * How long a stopped command's process group gets between SIGTERM and SIGKILL, on abort or
   * timeout (KILN_AGENT_KILL_GRACE).
   */
  @WithDefault("10s")
  Duration killGrace();

  /** Name of the non-root user builds run as inside instances (KILN_AGENT_BUILD_USER). */
  @WithDefault("_kiln")
  String buildUser();

  /** User and group id of the build user inside instances (KILN_AGENT_BUILD_UID). */
  @WithDefault("1000")
  int buildUid();

  /**
   * When the agent runs as root: the non-root host user whose /etc/subuid and /etc/subgid ranges
   * the unshare backend's namespaces use (KILN_AGENT_UNSHARE_HOST_USER). Without it, unshare is
   * unavailable to a root agent.
   */
  Optional<String> unshareHostUser();

  /**
   * Incus profile the incus-lxc and incus-vm instances are made with (KILN_AGENT_INCUS_PROFILE).
   */
  @WithDefault("kiln")
  String incusProfile();

  /** How long an Incus VM or a QEMU guest may take to boot (KILN_AGENT_BOOT_TIMEOUT). */
  @WithDefault("5m")
  Duration bootTimeout();

  /**
   * Whether QEMU guests use KVM when /dev/kvm is writable (KILN_AGENT_QEMU_KVM); off by default
   * because nested KVM hangs on some hosts.
   */
  @WithDefault("false")
  boolean qemuKvm();

  /** Memory of a QEMU guest, in MiB (KILN_AGENT_QEMU_MEMORY_MIB). */
  @WithDefault("2048")
  int qemuMemoryMib();

  /** CPUs of a QEMU guest (KILN_AGENT_QEMU_CPUS). */
  @WithDefault("2")
  int qemuCpus();

  /**
   * Private SSH key QEMU guests accept for root (KILN_AGENT_QEMU_SSH_KEY); the qemu backend is
   * unavailable without one.
   */
  Optional<String> qemuSshKey();
}
