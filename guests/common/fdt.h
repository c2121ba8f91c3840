/* Reading a flattened device tree (devicetree spec 0.4, chapter 5): the RAM region and the
 * kernel command line, which is all the firmware and the OS need. Implemented in fdt.c. */
#ifndef GUESTS_COMMON_FDT_H
#define GUESTS_COMMON_FDT_H

#include <stdint.h>

struct fdt_info {
  /* The first `reg` entry of a /memory node (`memory` or `memory@...`) that contains the
   * address asked for: [ram_base, ram_end). Both 0 if there is none. 64-bit, so an end of
   * 0x1_0000_0000 fits. */
  uint64_t ram_base, ram_end;
  /* /chosen/bootargs: points into the tree (NUL-terminated within bootargs_len when the tree
   * is well formed); NULL and 0 if there is none. */
  const char *bootargs;
  uint32_t bootargs_len;
};

/* Reads the tree at `dtb`, looking for the RAM region that contains `ram_addr`. Returns 0, or
 * -1 (with *info all zero) if there is no tree at `dtb` or it is malformed: bad magic, version
 * below 17, blocks outside `totalsize`, an unknown token, or a property running past the
 * structure block. Every access is bounds-checked against the header, so a corrupt tree never
 * causes a runaway walk. */
int fdt_read(uintptr_t dtb, uint64_t ram_addr, struct fdt_info *info);

#endif
