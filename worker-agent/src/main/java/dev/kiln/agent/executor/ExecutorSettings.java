package dev.kiln.agent.executor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How this worker's executor backends are set up; the Quarkus layer builds it from {@code
 * kiln.agent.executor.*}.
 *
 * @param instancesDir where unshare and qemu instances live
 * @param killGrace how long a stopped command's process group gets between SIGTERM and SIGKILL
 * @param buildUser the non-root user builds run as
 * @param unshareHostUser when the agent runs as root, the user that runs unshare's namespaces
 * @param incusProfile the Incus profile instances are made with
 * @param bootTimeout how long an Incus VM or QEMU guest may take to answer
 * @param hostArchitecture the host's Debian architecture
 * @param qemuKvm whether QEMU may use KVM (when {@code /dev/kvm} is writable)
 * @param qemuMemoryMiB a QEMU guest's memory
 * @param qemuCpus a QEMU guest's CPUs
 * @param qemuSshKey the private key QEMU guests accept for root
 */
public record ExecutorSettings(
    Path instancesDir,
    Duration killGrace,
    BuildUser buildUser,
    Optional<String> unshareHostUser,
    String incusProfile,
    Duration bootTimeout,
    String hostArchitecture,
    boolean qemuKvm,
    int qemuMemoryMiB,
    int qemuCpus,
    Optional<Path> qemuSshKey) {}
