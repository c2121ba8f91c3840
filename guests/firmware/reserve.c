/* Reserving the firmware's memory in the device tree it passes on, as OpenSBI does: a
 * /reserved-memory node (devicetree spec 0.4, 3.5) with a `no-map` child covering the
 * PMP-protected region, so that a kernel neither allocates nor maps it. See fw.h. */
#include "../common/string.h"
#include "fw.h"

#define FDT_MAGIC 0xd00dfeedu
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9

/* The child node's name, as OpenSBI names its first one. */
#define RESV_CHILD "mmode_resv0@80000000"

static uint32_t be32(const uint8_t *p) {
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) | ((uint32_t)p[2] << 8) | p[3];
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

/* The strings the new properties need; each is looked up in the strings block, and appended
 * to it when it is not there. */
enum { S_ADDR_CELLS, S_SIZE_CELLS, S_RANGES, S_REG, S_NO_MAP, S_COUNT };
static const char *const names[S_COUNT] = {"#address-cells", "#size-cells", "ranges", "reg",
                                           "no-map"};

/* Offset of `name` as a whole string of the strings block, or -1. */
static int32_t find_string(const char *strings, uint32_t size, const char *name) {
  uint32_t n = strlen(name) + 1;
  for (uint32_t o = 0; o + n <= size; o++)
    if ((o == 0 || strings[o - 1] == '\0') && memcmp(strings + o, name, n) == 0) return (int32_t)o;
  return -1;
}

/* What the walk finds in the structure block (offsets relative to it). */
struct layout {
  uint32_t addr_cells, size_cells;   /* the root's (spec defaults 2 and 1) */
  uint32_t root_end;                 /* the root's FDT_END_NODE */
  int32_t resv_end;                  /* /reserved-memory's FDT_END_NODE, or -1 */
  uint32_t resv_addr_cells, resv_size_cells;
};

static int walk(const uint8_t *s, uint32_t size, const char *strings, uint32_t strings_size,
                struct layout *l) {
  uint32_t o = 0;
  int depth = 0, in_resv = 0;
  l->addr_cells = 2;
  l->size_cells = 1;
  l->resv_end = -1;
  l->resv_addr_cells = l->resv_size_cells = 0;
  while (o + 4 <= size) {
    uint32_t token = be32(s + o);
    uint32_t at = o;
    o += 4;
    if (token == FDT_BEGIN_NODE) {
      const char *name = (const char *)s + o;
      uint32_t n = 0;
      while (o + n < size && name[n]) n++;
      if (o + n >= size) return -1;
      depth++;
      if (depth == 2 && (strcmp(name, "reserved-memory") == 0)) in_resv = 1;
      o = (o + n + 1 + 3) & ~3u;
    } else if (token == FDT_END_NODE) {
      if (depth == 0) return -1;
      if (depth == 2 && in_resv) {
        l->resv_end = (int32_t)at;
        in_resv = 0;
      }
      if (depth == 1) {
        l->root_end = at;
        return 0;
      }
      depth--;
    } else if (token == FDT_PROP) {
      if (o + 8 > size) return -1;
      uint32_t len = be32(s + o), nameoff = be32(s + o + 4);
      if (len > size - o - 8 || nameoff >= strings_size) return -1;
      const char *pname = strings + nameoff;
      const uint8_t *val = s + o + 8;
      if (len == 4 && (depth == 1 || (depth == 2 && in_resv))) {
        uint32_t *ac = depth == 1 ? &l->addr_cells : &l->resv_addr_cells;
        uint32_t *sc = depth == 1 ? &l->size_cells : &l->resv_size_cells;
        if (strcmp(pname, "#address-cells") == 0) *ac = be32(val);
        if (strcmp(pname, "#size-cells") == 0) *sc = be32(val);
      }
      o = (o + 8 + len + 3) & ~3u;
    } else if (token != FDT_NOP) {
      return -1; /* FDT_END before the root closed, or an unknown token */
    }
  }
  return -1;
}

/* Appends a property to `p`: its header and `len` bytes of value (padded). */
static uint8_t *prop(uint8_t *p, uint32_t nameoff, const uint8_t *val, uint32_t len) {
  put32(p, FDT_PROP);
  put32(p + 4, len);
  put32(p + 8, nameoff);
  p += 12;
  memcpy(p, val, len);
  memset(p + len, 0, ((len + 3) & ~3u) - len);
  return p + ((len + 3) & ~3u);
}

static uint8_t *begin_node(uint8_t *p, const char *name) {
  uint32_t n = strlen(name) + 1;
  put32(p, FDT_BEGIN_NODE);
  memcpy(p + 4, name, n);
  memset(p + 4 + n, 0, ((n + 3) & ~3u) - n);
  return p + 4 + ((n + 3) & ~3u);
}

/* `value` in `cells` big-endian cells (1 or 2). */
static uint8_t *cells(uint8_t *p, uint32_t value, uint32_t cells) {
  if (cells == 2) {
    put32(p, 0);
    p += 4;
  }
  put32(p, value);
  return p + 4;
}

int fw_reserve_in_fdt(uintptr_t dtb, uint32_t base, uint32_t size, uint32_t room) {
  uint8_t *h = (uint8_t *)dtb;
  if (room < 40 || be32(h) != FDT_MAGIC || be32(h + 20) < 17) return -1;
  uint32_t total = be32(h + 4), off_struct = be32(h + 8), off_strings = be32(h + 12);
  uint32_t size_strings = be32(h + 32), size_struct = be32(h + 36);
  /* The usual layout (dtc's and QEMU's): header, reservations, structure, strings. */
  if (total > room || off_struct > off_strings || size_struct > off_strings - off_struct ||
      off_strings > total || size_strings > total - off_strings)
    return -1;
  uint8_t *s = h + off_struct;
  char *strings = (char *)h + off_strings;
  struct layout l;
  if (walk(s, size_struct, strings, size_strings, &l) != 0) return -1;

  /* The node (or child) to insert, built in a local buffer. */
  uint8_t node[256];
  int32_t nameoff[S_COUNT];
  uint32_t appended = 0;
  for (int i = 0; i < S_COUNT; i++) {
    nameoff[i] = find_string(strings, size_strings, names[i]);
    if (nameoff[i] < 0) {
      nameoff[i] = (int32_t)(size_strings + appended);
      appended += strlen(names[i]) + 1;
    }
  }
  int new_node = l.resv_end < 0;
  uint32_t ac = new_node ? l.addr_cells : l.resv_addr_cells;
  uint32_t sc = new_node ? l.size_cells : l.resv_size_cells;
  if (ac < 1 || ac > 2 || sc < 1 || sc > 2) return -1;
  uint8_t *p = node, one[4];
  if (new_node) {
    p = begin_node(p, "reserved-memory");
    put32(one, ac);
    p = prop(p, (uint32_t)nameoff[S_ADDR_CELLS], one, 4);
    put32(one, sc);
    p = prop(p, (uint32_t)nameoff[S_SIZE_CELLS], one, 4);
    p = prop(p, (uint32_t)nameoff[S_RANGES], one, 0);
  }
  p = begin_node(p, RESV_CHILD);
  uint8_t reg[16], *r = cells(reg, base, ac);
  r = cells(r, size, sc);
  p = prop(p, (uint32_t)nameoff[S_REG], reg, (uint32_t)(r - reg));
  p = prop(p, (uint32_t)nameoff[S_NO_MAP], one, 0);
  put32(p, FDT_END_NODE);
  p += 4;
  if (new_node) {
    put32(p, FDT_END_NODE);
    p += 4;
  }
  uint32_t insert = (uint32_t)(p - node);
  uint32_t at = new_node ? l.root_end : (uint32_t)l.resv_end;
  uint32_t new_total = total + insert + appended;
  if (new_total > room) return -1;

  /* Strings move up by `insert` (with the new names at their end), then the structure block
   * opens a gap at `at`; both moves go from the end, so nothing is overwritten early. */
  memmove(strings + insert, strings, size_strings);
  char *moved = strings + insert;
  for (int i = 0; i < S_COUNT; i++)
    if ((uint32_t)nameoff[i] >= size_strings)
      memcpy(moved + nameoff[i], names[i], strlen(names[i]) + 1);
  memmove(s + at + insert, s + at, size_struct - at + (off_strings - off_struct - size_struct));
  memcpy(s + at, node, insert);
  put32(h + 4, new_total);
  put32(h + 12, off_strings + insert);
  put32(h + 32, size_strings + appended);
  put32(h + 36, size_struct + insert);
  return 0;
}
