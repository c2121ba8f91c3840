/* See div64.h. */
#include "div64.h"

uint64_t udiv64(uint64_t n, uint32_t d) {
  /* Long division, one quotient bit per step: 64 iterations, so keep it off hot paths. */
  uint64_t q = 0, r = 0;
  for (int i = 63; i >= 0; i--) {
    r = (r << 1) | ((n >> i) & 1);
    if (r >= d) {
      r -= d;
      q |= (uint64_t)1 << i;
    }
  }
  return q;
}
