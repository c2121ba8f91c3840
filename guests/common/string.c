/* Freestanding memory and string functions. Built with -fno-builtin so that the compiler does
 * not turn these loops back into calls to themselves. memcpy and memset go a word (and four
 * words) at a time when the pointers are aligned, because the OS zeroes and copies whole pages
 * through them (page faults, fork); everything else is a byte loop. */
#include "string.h"

#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if ((((uintptr_t)d | (uintptr_t)s) & 3) == 0) {
    for (; n >= 16; n -= 16, d += 16, s += 16) {
      uint32_t a = ((const uint32_t *)s)[0], b = ((const uint32_t *)s)[1];
      uint32_t c = ((const uint32_t *)s)[2], e = ((const uint32_t *)s)[3];
      ((uint32_t *)d)[0] = a;
      ((uint32_t *)d)[1] = b;
      ((uint32_t *)d)[2] = c;
      ((uint32_t *)d)[3] = e;
    }
    for (; n >= 4; n -= 4, d += 4, s += 4) *(uint32_t *)d = *(const uint32_t *)s;
  }
  while (n--) *d++ = *s++;
  return dst;
}

void *memmove(void *dst, const void *src, size_t n) {
  uint8_t *d = dst;
  const uint8_t *s = src;
  if (d <= s || d >= s + n) {
    while (n--) *d++ = *s++;
  } else {
    /* Overlap with dst above src: copy from the end so no source byte is overwritten first. */
    while (n--) d[n] = s[n];
  }
  return dst;
}

void *memset(void *dst, int c, size_t n) {
  uint8_t *d = dst;
  if (((uintptr_t)d & 3) == 0) {
    uint32_t w = (uint8_t)c * 0x01010101u;
    for (; n >= 16; n -= 16, d += 16) {
      ((uint32_t *)d)[0] = w;
      ((uint32_t *)d)[1] = w;
      ((uint32_t *)d)[2] = w;
      ((uint32_t *)d)[3] = w;
    }
    for (; n >= 4; n -= 4, d += 4) *(uint32_t *)d = w;
  }
  while (n--) *d++ = (uint8_t)c;
  return dst;
}

int memcmp(const void *a, const void *b, size_t n) {
  const uint8_t *x = a, *y = b;
  for (; n; n--, x++, y++)
    if (*x != *y) return *x - *y;
  return 0;
}

size_t strlen(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  return n;
}

int strcmp(const char *a, const char *b) {
  while (*a && *a == *b) a++, b++;
  return (uint8_t)*a - (uint8_t)*b;
}

int strncmp(const char *a, const char *b, size_t n) {
  for (; n; n--, a++, b++) {
    if (*a != *b) return (uint8_t)*a - (uint8_t)*b;
    if (!*a) return 0;
  }
  return 0;
}

char *strncpy0(char *dst, const char *src, size_t size) {
  size_t i = 0;
  if (size == 0) return dst;
  for (; i + 1 < size && src[i]; i++) dst[i] = src[i];
  dst[i] = 0;
  return dst;
}
