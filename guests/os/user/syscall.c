/* Workload "syscall": the round trip of the cheapest system call, getpid, N times. */
#include "ulib.h"

#define N 10000

int main(void) {
  uint32_t pid = (uint32_t)getpid(), h = MIX_INIT;
  uint32_t t0 = rdinstret();
  for (int i = 0; i < N; i++) h = h * 31 + ((uint32_t)getpid() ^ pid); /* independent of the pid */
  uint32_t t1 = rdinstret();
  report("syscall", N, h, t1 - t0);
  return 0;
}
