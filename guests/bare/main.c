/* Bare-metal compute benchmark: runs compute_workload(ROUNDS) in M-mode and prints its
 * checksum and the instructions it retired (minstret delta), then passes. ROUNDS is set by
 * the build (1000 for compute-bare.elf and compute-sv32.elf, 10 for compute-bare-small.elf);
 * with -DSV32 (compute-sv32.elf) it runs in S-mode under translation (start.S, sv32.c) and
 * reads the same counter through its S-mode view, instret. */
#include "../common/fmt.h"
#include "../common/riscv.h"
#include "../common/uart.h"
#include "../workloads/compute.h"

#ifndef ROUNDS
#error "define ROUNDS"
#endif

/* minstret, read from the privilege level main() runs at. */
static inline uint32_t instructions_retired(void) {
#ifdef SV32
  return csr_read(instret); /* sv32.c sets mcounteren.IR */
#else
  return csr_read(minstret);
#endif
}

int main(void) {
  uint32_t before = instructions_retired();
  uint32_t sum = compute_workload(ROUNDS);
  uint32_t after = instructions_retired();
  /* 32-bit delta: exact while the workload retires fewer than 2^32 instructions. The casts:
   * uint32_t is unsigned int for clang but unsigned long for GNU's riscv64-unknown-elf-gcc. */
  fmt_print(uart_fmt_putc, 0, "compute rounds=%u checksum=%08x instret=%u\n", (unsigned)ROUNDS,
            (unsigned)sum, (unsigned)(after - before));
  return 0;
}
