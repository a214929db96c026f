package dev.kiln.task.model;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The disk image a system image build produces ({@code disk_image}).
 *
 * @param format the image format
 * @param filename the image's file name, without extension (default {@code image})
 * @param kernelPackage the kernel package to install
 * @param bootloader the bootloader to install
 * @param partitions the partitions, in order
 */
public record DiskImage(
    @JsonProperty(required = true) Format format,
    String filename,
    String kernelPackage,
    String bootloader,
    @JsonProperty(required = true) List<Partition> partitions) {

  /** A disk image format. */
  public enum Format {
    /** A raw disk image. */
    @JsonProperty("raw")
    RAW,
    /** A QEMU copy-on-write image. */
    @JsonProperty("qcow2")
    QCOW2
  }

  /**
   * One partition of the image.
   *
   * @param size its size in GiB
   * @param filesystem its filesystem (e.g. {@code ext4})
   * @param mountpoint where it is mounted (default {@code none})
   */
  public record Partition(
      @JsonProperty(required = true) Integer size,
      @JsonProperty(required = true) String filesystem,
      String mountpoint) {}
}
