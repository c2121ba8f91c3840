/* Freestanding helpers shared by the kernel and the user programs (compiled into both). */
#ifndef OS_LIB_H
#define OS_LIB_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strncpy0(char *dst, const char *src, size_t size); /* always NUL-terminates */

/* printf-style formatting: %d %i %u %x %X %p %c %s %%, flags '-' and '0', a width; 'l' is
 * accepted and ignored (long is 32 bits). Returns the length the full output would have. */
int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...);

/* 64-by-32-bit unsigned division without libgcc/compiler-rt (RV32 has no 64-bit divide). */
uint64_t udiv64(uint64_t n, uint32_t d);

#endif
