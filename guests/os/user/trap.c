/* Workload "trap": N user breakpoints, each delivered to the program's own handler by the
 * kernel and resumed after the instruction via sigreturn. Alternates the 4-byte ebreak and the
 * 2-byte c.ebreak, so both resume lengths are exercised. */
#include "ulib.h"

#define N 4000

static volatile uint32_t count, sum;

static void handler(int kind, uint32_t pc, uint32_t tval) {
  (void)tval;
  count++;
  sum = sum * 31 + (uint32_t)kind + (pc & 0xfff);
}

int main(void) {
  sigtrap(handler);
  uint32_t t0 = rdinstret();
  for (int i = 0; i < N / 2; i++) {
    __asm__ volatile(".option push\n\t.option norvc\n\tebreak\n\t.option pop" ::: "memory");
    __asm__ volatile("c.ebreak" ::: "memory");
  }
  uint32_t t1 = rdinstret();
  sigtrap(0);
  if (count != N) printf("trap: %u traps handled, expected %u\n", count, N);
  report("trap", N, mix(sum, count), t1 - t0);
  return 0;
}
