/* Workload "forkwait": N times fork (a full copy of the address space), the child exits at
 * once with a status, the parent waits for it. */
#include "ulib.h"

#define N 50

int main(void) {
  uint32_t h = MIX_INIT;
  uint32_t t0 = rdinstret();
  for (int i = 0; i < N; i++) {
    int pid = fork();
    if (pid == 0) exit(i & 0x7f);
    int status = -1;
    int got = wait(&status);
    h = h * 31 + (uint32_t)status + (got == pid ? 0 : 0x80000000u);
  }
  uint32_t t1 = rdinstret();
  report("forkwait", N, h, t1 - t0);
  return 0;
}
