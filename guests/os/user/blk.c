/* Workload "blk": the virtio disk. Reads the first N sectors as the host wrote them, then
 * writes N sectors of a pattern after them (eight at a time, with a flush after every 64),
 * reads them back and checks them. Prints checksums of what it read; no instruction counts, since a disk request's
 * latency is the host's (QEMU completes requests asynchronously): the output is the same on
 * every engine and under QEMU. Needs a disk of at least 2N sectors (1 MiB does). */
#include "ulib.h"

#define N 256       /* sectors read as found, then written and read back */
#define BATCH 8     /* sectors per request (a page) */
#define FLUSH_EVERY 64
#define SECTOR 512

static uint8_t buf[BATCH * SECTOR];

static uint32_t sum(uint32_t h, const uint8_t *p, uint32_t len) {
  for (uint32_t i = 0; i < len; i += 4)
    h = mix(h, (uint32_t)p[i] | (uint32_t)p[i + 1] << 8 | (uint32_t)p[i + 2] << 16 | (uint32_t)p[i + 3] << 24);
  return h;
}

/* The byte written at offset `i` of sector `s`. */
static uint8_t pattern(uint32_t s, uint32_t i) { return (uint8_t)(s * 7 + i * 13 + (i >> 8)); }

int main(void) {
  int sectors = blk(BLK_INFO, 0, 0, 0);
  if (sectors < 0) {
    printf("blk: no virtio disk\n");
    return 1;
  }
  char id[21] = {0};
  blk(BLK_ID, 0, id, 0);
  printf("blk: %d sectors, id '%s'\n", sectors, id);
  if (sectors < 2 * N) {
    printf("blk: the disk needs %d sectors\n", 2 * N);
    return 1;
  }
  uint32_t found = MIX_INIT;
  for (uint32_t s = 0; s < N; s += BATCH) {
    if (blk(BLK_READ, s, buf, BATCH) < 0) {
      printf("blk: read of sector %u failed\n", s);
      return 1;
    }
    found = sum(found, buf, sizeof buf);
  }
  uint32_t written = MIX_INIT;
  for (uint32_t s = N; s < 2 * N; s += BATCH) {
    for (uint32_t k = 0; k < BATCH; k++)
      for (uint32_t i = 0; i < SECTOR; i++) buf[k * SECTOR + i] = pattern(s + k, i);
    written = sum(written, buf, sizeof buf);
    if (blk(BLK_WRITE, s, buf, BATCH) < 0) {
      printf("blk: write of sector %u failed\n", s);
      return 1;
    }
    if ((s + BATCH) % FLUSH_EVERY == 0 && blk(BLK_FLUSH, 0, 0, 0) < 0) {
      printf("blk: flush failed\n");
      return 1;
    }
  }
  uint32_t back = MIX_INIT;
  uint32_t bad = 0;
  for (uint32_t s = N; s < 2 * N; s += BATCH) {
    memset(buf, 0, sizeof buf);
    if (blk(BLK_READ, s, buf, BATCH) < 0) {
      printf("blk: read of sector %u failed\n", s);
      return 1;
    }
    back = sum(back, buf, sizeof buf);
    for (uint32_t k = 0; k < BATCH; k++)
      for (uint32_t i = 0; i < SECTOR; i++) bad += buf[k * SECTOR + i] != pattern(s + k, i);
  }
  printf("blk: read n=%u checksum=0x%08x\n", N, found);
  printf("blk: wrote n=%u checksum=0x%08x, read back checksum=0x%08x, %u bytes differ\n", N, written,
         back, bad);
  return bad != 0 || back != written;
}
