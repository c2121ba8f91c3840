/* Workload "ptemod": flip one heap page between read-only and read-write N times with the
 * protect system call (one PTE rewrite plus sfence.vma each), reading it after every change so
 * the new translation is used. */
#include "ulib.h"

#define N 10000

int main(void) {
  volatile uint32_t *page = sbrk(4096); /* the heap starts page-aligned */
  page[0] = 0x5a5a5a5a;                  /* fault it in */
  uint32_t h = MIX_INIT;
  uint32_t t0 = rdinstret();
  for (int i = 0; i < N; i++) {
    h = h * 31 + (uint32_t)protect((void *)page, (i & 1) ? PROT_READ | PROT_WRITE : PROT_READ);
    h = h * 31 + page[0];
  }
  uint32_t t1 = rdinstret();
  page[0] = h; /* N is even: the last change made it writable again */
  report("ptemod", N, mix(h, page[0]), t1 - t0);
  return 0;
}
