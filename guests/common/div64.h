/* 64-bit division for RV32 without libgcc or compiler-rt (the M extension divides only 32-bit
 * values, and clang turns a 64-bit `/` into a call to __udivdi3, which no guest links).
 * Implemented in div64.c. */
#ifndef GUESTS_COMMON_DIV64_H
#define GUESTS_COMMON_DIV64_H

#include <stdint.h>

/* n / d, rounded down (d must not be 0). */
uint64_t udiv64(uint64_t n, uint32_t d);

#endif
