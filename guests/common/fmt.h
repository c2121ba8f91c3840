/* A tiny printf-like formatter, implemented in fmt.c.
 *
 * Conversions: %s %c %d %i %u %x %X %p %%, with an optional '0' flag, '-' flag (left-justify)
 * and a decimal field width, e.g. %08x, %-10s, %5d. The 'l' length modifier is accepted and
 * ignored (long is 32 bits on RV32). %p prints 0x and 8 hex digits. No floating point.
 * Output goes through a callback, so the same code serves a UART, an SBI console or a buffer. */
#ifndef GUESTS_COMMON_FMT_H
#define GUESTS_COMMON_FMT_H

#include <stdarg.h>
#include <stddef.h>

/* Receives one output character; `ctx` is passed through unchanged. */
typedef void (*fmt_putc_fn)(void *ctx, char c);

/* Format to a callback; returns the number of characters produced. */
int fmt_vprint(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap);
int fmt_print(fmt_putc_fn putc, void *ctx, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Format into buf (always NUL-terminated when size > 0, truncating); returns the length the
 * full output would have had, like snprintf. */
int fmt_vsnprint(char *buf, size_t size, const char *fmt, va_list ap);
int fmt_snprint(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Receives a whole formatted message; `ctx` is passed through unchanged. */
typedef void (*fmt_write_fn)(void *ctx, const char *buf, size_t len);
#define FMT_WRITE_MAX 256

/* Format into a FMT_WRITE_MAX-byte buffer on the stack and hand the text (truncated to
 * FMT_WRITE_MAX - 1 bytes) to `write` in one call: one message, one write, so messages of
 * different writers never interleave. Returns the length passed to `write`. */
size_t fmt_vwrite(fmt_write_fn write, void *ctx, const char *fmt, va_list ap);

#endif
