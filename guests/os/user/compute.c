/* Workload "compute": the shared CPU workload (guests/workloads/compute.c, about 260,000
 * instructions per round) as a user program: no system calls inside the measured region. */
#include "../../workloads/compute.h"
#include "ulib.h"

#define N 10 /* rounds */

int main(void) {
  uint32_t t0 = rdinstret();
  uint32_t h = compute_workload(N);
  uint32_t t1 = rdinstret();
  report("compute", N, h, t1 - t0);
  return 0;
}
