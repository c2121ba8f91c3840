/* Freestanding subset of <string.h>, implemented in string.c. The compiler may emit calls to
 * memcpy, memset, memmove and memcmp on its own (struct copies, large initializers), so every
 * guest links string.c. */
#ifndef GUESTS_COMMON_STRING_H
#define GUESTS_COMMON_STRING_H

#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
/* Copies at most size - 1 bytes of src and always NUL-terminates (when size > 0). */
char *strncpy0(char *dst, const char *src, size_t size);

#endif
