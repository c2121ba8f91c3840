/* Demo "sched" (not a workload): three CPU-bound children share the CPU under the preemptive
 * round-robin scheduler while a fourth sleeps. Each says when it is done; since the children
 * are preempted every slice, the shortest finishes first although all started together.
 * (No absolute times are printed: in the shell they would depend on how long the machine sat
 * idle at the prompt.) */
#include "ulib.h"

static uint32_t spin(uint32_t iterations) {
  uint32_t x = 1;
  for (uint32_t i = 0; i < iterations; i++) x = x * 1103515245u + 12345u;
  return x;
}

int main(void) {
  for (int k = 2; k >= 0; k--) { /* the longest starts first */
    if (fork() == 0) {
      uint32_t x = spin(400000u * (uint32_t)(k + 1)); /* about 1.6M, 3.2M, 4.8M instructions */
      printf("sched: child %d (pid %d) done, x=0x%08x\n", k, getpid(), x);
      exit(0);
    }
  }
  if (fork() == 0) {
    unsigned t = uptime();
    sleep(5);
    unsigned slept = uptime() - t;
    printf("sched: sleeper (pid %d) woke after %s5 ms\n", getpid(), slept >= 5 ? ">= " : "< ");
    exit(0);
  }
  for (int k = 0; k < 4; k++) wait(0);
  printf("sched: all done\n");
  return 0;
}
