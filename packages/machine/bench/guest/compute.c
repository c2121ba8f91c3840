/* The CPU benchmark's guest: sieve, table-driven CRC32, recursive calls, multiply/divide,
 * memcpy and a small sort, run ROUNDS times, printing a checksum, then the test finisher.
 * Bare-metal M-mode on QEMU's virt board. Rebuild: sh build.sh (needs clang 14 and ld.lld;
 * the built compute.elf is committed). */
typedef unsigned int u32;
static unsigned char sieve_buf[8192];
static u32 crc_table[256];

static void crc_init(void) {
  for (u32 i = 0; i < 256; i++) {
    u32 c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0xedb88320u ^ (c >> 1) : c >> 1;
    crc_table[i] = c;
  }
}

u32 crc32(const unsigned char *p, u32 n) {
  u32 c = 0xffffffffu;
  while (n--) c = crc_table[(c ^ *p++) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

u32 sieve(u32 n) {
  u32 count = 0;
  for (u32 i = 0; i < n; i++) sieve_buf[i] = 1;
  for (u32 i = 2; i < n; i++) {
    if (!sieve_buf[i]) continue;
    count++;
    for (u32 j = i * 2; j < n; j += i) sieve_buf[j] = 0;
  }
  return count;
}

u32 fib(u32 n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

u32 muldiv(u32 seed, u32 rounds) {
  u32 acc = seed;
  for (u32 i = 1; i <= rounds; i++) acc = acc * 2654435761u / i + acc % (i + 7);
  return acc;
}

void *memcpy(void *dst, const void *src, u32 n) {
  unsigned char *d = dst;
  const unsigned char *s = src;
  while (n--) *d++ = *s++;
  return dst;
}

void sort(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int v = a[i], j = i - 1;
    while (j >= 0 && a[j] > v) { a[j + 1] = a[j]; j--; }
    a[j + 1] = v;
  }
}

u32 run(void) {
  static int data[64];
  crc_init();
  for (int i = 0; i < 64; i++) data[i] = (i * 7919) % 101;
  sort(data, 64);
  memcpy(sieve_buf, data, sizeof data);
  return sieve(8000) + crc32(sieve_buf, 4096) + fib(15) + muldiv(12345, 1000) + (u32)data[5];
}

#define ROUNDS 1000

static void putc_uart(char c) {
  volatile unsigned char *uart = (unsigned char *)0x10000000;
  while ((uart[5] & 0x20) == 0) {
  }
  uart[0] = (unsigned char)c;
}

static void puthex(u32 v) {
  for (int i = 7; i >= 0; i--) putc_uart("0123456789abcdef"[(v >> (4 * i)) & 15]);
  putc_uart('\n');
}

void main(void) {
  u32 sum = 0;
  for (int i = 0; i < ROUNDS; i++) sum = sum * 31 + run();
  puthex(sum);
  *(volatile u32 *)0x100000 = 0x5555;
  for (;;) {
  }
}
