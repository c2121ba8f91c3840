/* Reading a flattened device tree (devicetree spec 0.4, chapter 5): the RAM region, the
 * kernel command line and the virtio-mmio slots, which is all the firmware and the OS need.
 * Implemented in fdt.c. */
#ifndef GUESTS_COMMON_FDT_H
#define GUESTS_COMMON_FDT_H

#include <stdint.h>

#define FDT_MAX_VIRTIO 8

struct fdt_info {
  /* The first `reg` entry of a /memory node (`memory` or `memory@...`) that contains the
   * address asked for: [ram_base, ram_end). Both 0 if there is none. 64-bit, so an end of
   * 0x1_0000_0000 fits. */
  uint64_t ram_base, ram_end;
  /* /chosen/bootargs: points into the tree (NUL-terminated within bootargs_len when the tree
   * is well formed); NULL and 0 if there is none. */
  const char *bootargs;
  uint32_t bootargs_len;
#ifdef FDT_VIRTIO
  /* Only in code built with -DFDT_VIRTIO (the OS; the firmware needs no devices): the
   * `virtio,mmio` nodes of /soc (QEMU's virt board lists its eight slots, empty or not), in
   * tree order: the register window and the PLIC source. Windows above 4 GiB are left out. */
  struct fdt_virtio {
    uint32_t base, size, irq;
  } virtio[FDT_MAX_VIRTIO];
  uint32_t virtio_count;
#endif
};

/* Reads the tree at `dtb`, looking for the RAM region that contains `ram_addr`. Returns 0, or
 * -1 (with *info all zero) if there is no tree at `dtb` or it is malformed: bad magic, version
 * below 17, blocks outside `totalsize`, an unknown token, or a property running past the
 * structure block. Every access is bounds-checked against the header, so a corrupt tree never
 * causes a runaway walk. */
int fdt_read(uintptr_t dtb, uint64_t ram_addr, struct fdt_info *info);

#endif
