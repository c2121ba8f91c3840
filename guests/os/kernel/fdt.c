/* Just enough of a flattened-devicetree reader to find the RAM range (/memory@... reg) and the
 * kernel command line (/chosen bootargs). All FDT fields are big-endian. */
#include "kernel.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const void *p) {
  const uint8_t *b = p;
  return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) | ((uint32_t)b[2] << 8) | b[3];
}

/* Read a cells-wide big-endian number; RV32 keeps the low 32 bits. */
static uint32_t read_cells(const uint8_t *p, uint32_t cells) { return cells ? be32(p + 4 * (cells - 1)) : 0; }

int fdt_parse(uint32_t dtb, struct bootinfo *bi) {
  const uint8_t *h = (const uint8_t *)dtb;
  if (!dtb || be32(h) != FDT_MAGIC) return -1;
  const uint8_t *structs = h + be32(h + 8);
  const char *strings = (const char *)h + be32(h + 12);
  uint32_t struct_size = be32(h + 36);
  uint32_t addr_cells = 2, size_cells = 1;
  int depth = 0, in_chosen = 0, in_memory = 0;

  for (uint32_t off = 0; off < struct_size;) {
    uint32_t token = be32(structs + off);
    off += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)structs + off;
      off += (strlen(name) + 4) & ~3u; /* name plus NUL, padded to 4 */
      depth++;
      if (depth == 2) {
        in_chosen = strcmp(name, "chosen") == 0;
        in_memory = strncmp(name, "memory@", 7) == 0 || strcmp(name, "memory") == 0;
      }
    } else if (token == FDT_END_NODE) {
      if (depth == 2) in_chosen = in_memory = 0;
      depth--;
    } else if (token == FDT_PROP) {
      uint32_t len = be32(structs + off), nameoff = be32(structs + off + 4);
      const uint8_t *val = structs + off + 8;
      const char *pname = strings + nameoff;
      off += 8 + ((len + 3) & ~3u);
      if (depth == 1 && strcmp(pname, "#address-cells") == 0) addr_cells = be32(val);
      else if (depth == 1 && strcmp(pname, "#size-cells") == 0) size_cells = be32(val);
      else if (depth == 2 && in_chosen && strcmp(pname, "bootargs") == 0) {
        bi->have_bootargs = 1;
        uint32_t n = len < sizeof bi->bootargs ? len : sizeof bi->bootargs - 1;
        memcpy(bi->bootargs, val, n);
        bi->bootargs[n] = 0;
      } else if (depth == 2 && in_memory && strcmp(pname, "reg") == 0 && !bi->mem_size &&
                 len >= 4 * (addr_cells + size_cells)) {
        bi->mem_base = read_cells(val, addr_cells);
        bi->mem_size = read_cells(val + 4 * addr_cells, size_cells);
      }
    } else if (token == FDT_NOP) {
      continue;
    } else {
      break; /* FDT_END or garbage */
    }
  }
  return 0;
}
