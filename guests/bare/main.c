/* Bare-metal compute benchmark: runs compute_workload(ROUNDS) in M-mode and prints its
 * checksum and the instructions it retired (minstret delta), then passes. ROUNDS is set by
 * the build (1000 for compute-bare.elf, 10 for compute-bare-small.elf). */
#include "../common/fmt.h"
#include "../common/riscv.h"
#include "../common/uart.h"
#include "../workloads/compute.h"

#ifndef ROUNDS
#error "define ROUNDS"
#endif

int main(void) {
  uint32_t before = csr_read(minstret);
  uint32_t sum = compute_workload(ROUNDS);
  uint32_t after = csr_read(minstret);
  /* 32-bit delta: exact while the workload retires fewer than 2^32 instructions. The casts:
   * uint32_t is unsigned int for clang but unsigned long for GNU's riscv64-unknown-elf-gcc. */
  fmt_print(uart_fmt_putc, 0, "compute rounds=%u checksum=%08x instret=%u\n", (unsigned)ROUNDS,
            (unsigned)sum, (unsigned)(after - before));
  return 0;
}
