/* Workload "pgfault": grow the heap by N pages with sbrk (nothing is mapped yet), then touch
 * each page once: every first touch is a load page fault that the kernel answers with a fresh
 * zeroed page (demand-zero). */
#include "ulib.h"

#define N 256
#define PAGE 4096u

int main(void) {
  uint8_t *base = sbrk(N * PAGE);
  if (base == (uint8_t *)-1) {
    printf("pgfault: sbrk failed\n");
    return 1;
  }
  uint32_t t0 = rdinstret();
  for (uint32_t i = 0; i < N; i++) {
    uint8_t *p = base + i * PAGE;
    uint8_t v = p[(i * 64) % PAGE]; /* faults: must read as zero */
    p[0] = (uint8_t)(i + v + 1);    /* the page is now mapped writable: no second fault */
  }
  uint32_t t1 = rdinstret();
  uint32_t h = MIX_INIT;
  for (uint32_t i = 0; i < N; i++) {
    uint8_t *p = base + i * PAGE;
    h = mix(h, p[0] | (uint32_t)p[PAGE - 1] << 8);
  }
  report("pgfault", N, h, t1 - t0);
  return 0;
}
