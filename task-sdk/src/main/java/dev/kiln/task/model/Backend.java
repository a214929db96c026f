package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** The executor backend a task runs in ({@code task_data.backend}). */
public enum Backend {
  /** Let the task choose: {@link #UNSHARE}. */
  AUTO("auto"),
  /** A lightweight container built with {@code /usr/bin/unshare}, from a system tarball. */
  UNSHARE("unshare"),
  /** An LXC container managed by Incus, from a system tarball. */
  INCUS_LXC("incus-lxc"),
  /** A QEMU virtual machine managed by Incus, from a system image. */
  INCUS_VM("incus-vm"),
  /** A QEMU virtual machine, from a system image. */
  QEMU("qemu");

  private final String wire;

  Backend(String wire) {
    this.wire = wire;
  }

  /** The wire name, e.g. {@code incus-lxc}. */
  @JsonValue
  public String wire() {
    return wire;
  }

  /** The backend with this wire name. */
  @JsonCreator
  public static Backend fromWire(String wire) {
    for (Backend b : values()) {
      if (b.wire.equals(wire)) {
        return b;
      }
    }
    throw new IllegalArgumentException("unknown backend '" + wire + "'");
  }

  /** The backend to use: {@link #AUTO} (or null) means {@link #UNSHARE}, the default backend. */
  public static Backend resolve(Backend backend) {
    return backend == null || backend == AUTO ? UNSHARE : backend;
  }

  /**
   * The environment format this backend runs: {@code tarball} (a {@code debian:system-tarball}) or
   * {@code image} (a {@code debian:system-image}).
   */
  public String imageFormat() {
    return switch (resolve(this)) {
      case INCUS_VM, QEMU -> "image";
      default -> "tarball";
    };
  }

  @Override
  public String toString() {
    return wire;
  }
}
