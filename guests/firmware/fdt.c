/* Just enough flattened-device-tree reading (devicetree spec 0.4, chapter 5) to learn the RAM
 * size: the `reg` of the root's memory node that contains the RAM base. Bounds-checked against
 * the header so a corrupt tree yields 0, never a runaway walk. */
#include "fw.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* Reads a value of `cells` 32-bit big-endian cells (1 or 2). */
static uint64_t cells_value(const uint8_t *p, uint32_t cells) {
  return cells == 2 ? ((uint64_t)be32(p) << 32) | be32(p + 4) : be32(p);
}

static int starts_with(const char *s, const char *prefix) {
  while (*prefix)
    if (*s++ != *prefix++) return 0;
  return 1;
}

static int streq(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return *a == *b;
}

uint64_t fdt_ram_end(uintptr_t dtb, uint32_t ram_base) {
  if (dtb == 0 || (dtb & 3)) return 0;
  const uint8_t *h = (const uint8_t *)dtb;
  if (be32(h) != FDT_MAGIC || be32(h + 20) < 17) return 0; /* magic, version */
  uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
  uint32_t size_struct = be32(h + 36);
  if (off_struct > total || size_struct > total - off_struct || off_strings > total) return 0;

  const uint8_t *p = h + off_struct, *end = p + size_struct;
  const char *strings = (const char *)h + off_strings;
  uint32_t addr_cells = 2, size_cells = 1; /* spec defaults when the root does not say */
  int depth = 0, in_memory = 0;
  while (p + 4 <= end) {
    uint32_t token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      while (p < end && *p) p++;
      p = (const uint8_t *)(((uintptr_t)p + 4) & ~(uintptr_t)3); /* skip NUL, align */
      depth++;
      in_memory = depth == 2 && (streq(name, "memory") || starts_with(name, "memory@"));
    } else if (token == FDT_END_NODE) {
      depth--;
      in_memory = 0;
    } else if (token == FDT_PROP) {
      if (p + 8 > end) return 0;
      uint32_t len = be32(p), nameoff = be32(p + 4);
      const uint8_t *val = p + 8;
      p = (const uint8_t *)(((uintptr_t)val + len + 3) & ~(uintptr_t)3);
      if (p > end || nameoff >= total - off_strings) return 0;
      const char *pname = strings + nameoff;
      if (depth == 1 && len == 4 && streq(pname, "#address-cells")) addr_cells = be32(val);
      else if (depth == 1 && len == 4 && streq(pname, "#size-cells")) size_cells = be32(val);
      else if (in_memory && streq(pname, "reg")) {
        if (addr_cells < 1 || addr_cells > 2 || size_cells < 1 || size_cells > 2) return 0;
        uint32_t entry = 4 * (addr_cells + size_cells);
        for (uint32_t o = 0; o + entry <= len; o += entry) {
          uint64_t base = cells_value(val + o, addr_cells);
          uint64_t size = cells_value(val + o + 4 * addr_cells, size_cells);
          if (base <= ram_base && ram_base - base < size) return base + size;
        }
      }
    } else if (token == FDT_END) {
      break;
    } else if (token != FDT_NOP) {
      return 0;
    }
  }
  return 0;
}
