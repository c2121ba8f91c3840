/* The CPU workload shared by the bare-metal benchmark and the OS's user program. */
#ifndef GUESTS_WORKLOADS_COMPUTE_H
#define GUESTS_WORKLOADS_COMPUTE_H

#include <stdint.h>

/* Runs `rounds` rounds of the workload (sieve, CRC32, recursion, multiply/divide, copy, sort;
 * about 274,000 RV32 instructions per round at -O2) and returns their 32-bit checksum. Pure
 * computation: no I/O, no system calls, no floating point. Uses about 9 KiB of static buffers,
 * so it is not reentrant. */
uint32_t compute_workload(uint32_t rounds);

#endif
