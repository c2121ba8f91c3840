/* See fdt.h. All FDT fields are big-endian 32-bit words. */
#include "fdt.h"

#include "string.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

static uint32_t be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

/* A value of `cells` 32-bit big-endian cells (1 or 2). */
static uint64_t cells_value(const uint8_t *p, uint32_t cells) {
  return cells == 2 ? ((uint64_t)be32(p) << 32) | be32(p + 4) : be32(p);
}

/* Whether a node name is `base` or `base@unit-address`. */
static int node_is(const char *name, const char *base) {
  size_t n = strlen(base);
  return strncmp(name, base, n) == 0 && (name[n] == '\0' || name[n] == '@');
}

/* Records the first entry of a memory node's `reg` that contains `addr`. */
static void memory_reg(struct fdt_info *info, const uint8_t *val, uint32_t len,
                       uint32_t addr_cells, uint32_t size_cells, uint64_t addr) {
  if (info->ram_end || addr_cells < 1 || addr_cells > 2 || size_cells < 1 || size_cells > 2)
    return;
  uint32_t entry = 4 * (addr_cells + size_cells);
  for (uint32_t o = 0; o + entry <= len; o += entry) {
    uint64_t base = cells_value(val + o, addr_cells);
    uint64_t size = cells_value(val + o + 4 * addr_cells, size_cells);
    if (base <= addr && addr - base < size) {
      info->ram_base = base;
      info->ram_end = base + size;
      return;
    }
  }
}

enum { NODE_OTHER, NODE_MEMORY, NODE_CHOSEN, NODE_SOC };

#ifndef FDT_VIRTIO
#define OTHER_NODE(name) NODE_OTHER
#else
#define OTHER_NODE(name) (node_is(name, "soc") ? NODE_SOC : NODE_OTHER)

/* A /soc child being read: whether it is a virtio-mmio node, its window and interrupt. */
struct soc_child {
  int virtio, has_reg, has_irq;
  uint64_t base, size;
  uint32_t irq;
};

/* Whether a `compatible` list (NUL-separated strings) holds `want`. */
static int compatible_has(const uint8_t *val, uint32_t len, const char *want) {
  size_t n = strlen(want);
  for (uint32_t o = 0; o < len;) {
    const char *s = (const char *)val + o;
    size_t l = 0;
    while (o + l < len && s[l]) l++;
    if (l == n && strncmp(s, want, n) == 0) return 1;
    o += (uint32_t)l + 1;
  }
  return 0;
}

/* Records a finished /soc child if it is a usable virtio-mmio node. */
static void soc_child_done(struct fdt_info *info, const struct soc_child *c) {
  if (!c->virtio || !c->has_reg || !c->has_irq || info->virtio_count >= FDT_MAX_VIRTIO) return;
  if (c->base + c->size > 0x100000000ull || c->size == 0) return;
  struct fdt_virtio *v = &info->virtio[info->virtio_count++];
  v->base = (uint32_t)c->base;
  v->size = (uint32_t)c->size;
  v->irq = c->irq;
}

/* Reads one property of a /soc child. */
static void soc_child_prop(struct soc_child *c, const char *pname, const uint8_t *val, uint32_t len,
                           uint32_t addr_cells, uint32_t size_cells) {
  if (strcmp(pname, "compatible") == 0) {
    c->virtio = compatible_has(val, len, "virtio,mmio");
  } else if (strcmp(pname, "interrupts") == 0 && len >= 4) {
    c->irq = be32(val);
    c->has_irq = 1;
  } else if (strcmp(pname, "reg") == 0 && addr_cells >= 1 && addr_cells <= 2 && size_cells >= 1 &&
             size_cells <= 2 && len >= 4 * (addr_cells + size_cells)) {
    c->base = cells_value(val, addr_cells);
    c->size = cells_value(val + 4 * addr_cells, size_cells);
    c->has_reg = 1;
  }
}
#endif

static int walk(const uint8_t *h, uint64_t ram_addr, struct fdt_info *info) {
  if (be32(h) != FDT_MAGIC || be32(h + 20) < 17) return -1; /* magic, version */
  uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
  uint32_t size_struct = be32(h + 36);
  if (off_struct > total || size_struct > total - off_struct || off_strings > total) return -1;

  const uint8_t *p = h + off_struct, *end = p + size_struct;
  const char *strings = (const char *)h + off_strings;
  uint32_t addr_cells = 2, size_cells = 1; /* spec defaults when the root does not say */
  int depth = 0, node = NODE_OTHER;        /* node: the kind of the current child of the root */
#ifdef FDT_VIRTIO
  uint32_t soc_addr_cells = 2, soc_size_cells = 1;
  struct soc_child child;                  /* the current child of /soc */
#endif
  while (p + 4 <= end) {
    uint32_t token = be32(p);
    p += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)p;
      while (p < end && *p) p++;
      p = (const uint8_t *)(((uintptr_t)p + 4) & ~(uintptr_t)3); /* skip NUL, align */
      if (++depth == 2)
        node = node_is(name, "memory") ? NODE_MEMORY : node_is(name, "chosen") ? NODE_CHOSEN : OTHER_NODE(name);
#ifdef FDT_VIRTIO
      if (depth == 2) soc_addr_cells = 2, soc_size_cells = 1;
      if (depth == 3 && node == NODE_SOC) memset(&child, 0, sizeof child);
#endif
    } else if (token == FDT_END_NODE) {
#ifdef FDT_VIRTIO
      if (depth == 3 && node == NODE_SOC) soc_child_done(info, &child);
#endif
      depth--;
    } else if (token == FDT_PROP) {
      if (p + 8 > end) return -1;
      uint32_t len = be32(p), nameoff = be32(p + 4);
      const uint8_t *val = p + 8;
      if (len > (uint32_t)(end - val)) return -1;
      p = (const uint8_t *)(((uintptr_t)val + len + 3) & ~(uintptr_t)3);
      if (p > end || nameoff >= total - off_strings) return -1;
      const char *pname = strings + nameoff;
      if (depth == 1 && len == 4 && strcmp(pname, "#address-cells") == 0) addr_cells = be32(val);
      else if (depth == 1 && len == 4 && strcmp(pname, "#size-cells") == 0) size_cells = be32(val);
      else if (depth == 2 && node == NODE_MEMORY && strcmp(pname, "reg") == 0)
        memory_reg(info, val, len, addr_cells, size_cells, ram_addr);
      else if (depth == 2 && node == NODE_CHOSEN && strcmp(pname, "bootargs") == 0) {
        info->bootargs = (const char *)val;
        info->bootargs_len = len;
      }
#ifdef FDT_VIRTIO
      else if (depth == 2 && node == NODE_SOC && len == 4 && strcmp(pname, "#address-cells") == 0)
        soc_addr_cells = be32(val);
      else if (depth == 2 && node == NODE_SOC && len == 4 && strcmp(pname, "#size-cells") == 0)
        soc_size_cells = be32(val);
      else if (depth == 3 && node == NODE_SOC)
        soc_child_prop(&child, pname, val, len, soc_addr_cells, soc_size_cells);
#endif
    } else if (token == FDT_END) {
      break;
    } else if (token != FDT_NOP) {
      return -1;
    }
  }
  return 0;
}

int fdt_read(uintptr_t dtb, uint64_t ram_addr, struct fdt_info *info) {
  memset(info, 0, sizeof *info);
  if (dtb == 0 || (dtb & 3)) return -1;
  if (walk((const uint8_t *)dtb, ram_addr, info) < 0) {
    memset(info, 0, sizeof *info);
    return -1;
  }
  return 0;
}
