package dev.kiln.agent.executor;

/** Debian architecture names and what the kernel, Incus and QEMU call them. */
public final class Architectures {

  private Architectures() {}

  /** The kernel's name (uname -m; Incus image metadata): amd64 is x86_64. */
  public static String kernel(String debian) {
    return switch (debian) {
      case "amd64" -> "x86_64";
      case "arm64" -> "aarch64";
      case "i386" -> "i686";
      case "armhf" -> "armv7l";
      case "armel" -> "armv6l";
      case "ppc64el" -> "ppc64le";
      default -> debian; // s390x, riscv64, ...
    };
  }

  /** The suffix of {@code qemu-system-<arch>} that runs this architecture. */
  public static String qemu(String debian) {
    return switch (debian) {
      case "amd64" -> "x86_64";
      case "arm64" -> "aarch64";
      case "i386" -> "i386";
      case "armhf", "armel" -> "arm";
      case "ppc64el" -> "ppc64";
      default -> debian;
    };
  }
}
