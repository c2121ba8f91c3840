/* The CPU workload: a mix of what compiled code does (byte and word memory traffic, table
 * lookups, calls and returns, multiply/divide, data-dependent branches). Each round runs the
 * same computation, so the checksum of N rounds is a pure function of N. Moved here from
 * packages/machine/bench/guest/compute.c; the computation is unchanged, so
 * compute_workload(1000) gives that benchmark's checksum. */
#include "compute.h"

static unsigned char sieve_buf[8192];
static uint32_t crc_table[256];

static void crc_init(void) {
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

/* Table-driven CRC-32 (IEEE 802.3, reflected). */
static uint32_t crc32(const unsigned char *p, uint32_t n) {
  uint32_t c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

/* Number of primes below n (n <= sizeof sieve_buf). */
static uint32_t sieve(uint32_t n) {
  uint32_t count = 0;
  for (uint32_t i = 0; i < n; i++) sieve_buf[i] = 1;
  for (uint32_t i = 2; i < n; i++) {
    if (!sieve_buf[i]) continue;
    count++;
    for (uint32_t j = i * 2; j < n; j += i) sieve_buf[j] = 0;
  }
  return count;
}

/* Deliberately naive: exponential calls and returns. */
static uint32_t fib(uint32_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

static uint32_t muldiv(uint32_t seed, uint32_t rounds) {
  uint32_t acc = seed;
  for (uint32_t i = 1; i <= rounds; i++) acc = acc * 2654435761u / i + acc % (i + 7);
  return acc;
}

/* A byte copy loop of its own (not memcpy, so the work does not depend on the C library). */
static void copy_bytes(void *dst, const void *src, uint32_t n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
}

static void insertion_sort(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int v = a[i], j = i - 1;
    while (j >= 0 && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

static uint32_t one_round(void) {
  static int data[64];
  crc_init();
  for (int i = 0; i < 64; i++) data[i] = (i * 7919) % 101;
  insertion_sort(data, 64);
  copy_bytes(sieve_buf, data, sizeof data);
  return sieve(8000) + crc32(sieve_buf, 4096) + fib(15) + muldiv(12345, 1000) + (uint32_t)data[5];
}

uint32_t compute_workload(uint32_t rounds) {
  uint32_t sum = 0;
  for (uint32_t i = 0; i < rounds; i++) sum = sum * 31 + one_round();
  return sum;
}
