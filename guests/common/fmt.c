/* See fmt.h. */
#include "fmt.h"

#include <stdint.h>

struct out {
  fmt_putc_fn putc;
  void *ctx;
  int count;
};

static void emit(struct out *o, char c) {
  o->putc(o->ctx, c);
  o->count++;
}

static void pad(struct out *o, char c, int n) {
  while (n-- > 0) emit(o, c);
}

/* Emits the string s of length len in a field of `width`, padded with `fill`. Zero padding
 * goes after a leading '-' sign so that %05d of -42 is -0042. */
static void field(struct out *o, const char *s, int len, int width, int left, char fill) {
  if (left) {
    for (int i = 0; i < len; i++) emit(o, s[i]);
    pad(o, ' ', width - len);
    return;
  }
  if (fill == '0' && len > 0 && s[0] == '-') {
    emit(o, '-');
    s++, len--, width--;
  }
  pad(o, fill, width - len);
  for (int i = 0; i < len; i++) emit(o, s[i]);
}

/* Writes v in the given base into the end of buf; returns the start. */
static char *utoa(char *end, uint32_t v, unsigned base, int upper) {
  const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
  char *p = end;
  do {
    *--p = digits[v % base];
    v /= base;
  } while (v);
  return p;
}

int fmt_vprint(fmt_putc_fn putc, void *ctx, const char *fmt, va_list ap) {
  struct out o = {putc, ctx, 0};
  char buf[12];
  char *end = buf + sizeof buf;
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      emit(&o, *fmt);
      continue;
    }
    fmt++;
    int left = 0;
    char fill = ' ';
    for (;; fmt++) {
      if (*fmt == '-') left = 1;
      else if (*fmt == '0') fill = '0';
      else break;
    }
    int width = 0;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') fmt++;
    char *p;
    switch (*fmt) {
    case 'd':
    case 'i': {
      int32_t v = va_arg(ap, int32_t);
      /* Negate in unsigned arithmetic: -INT32_MIN does not fit in int32_t. */
      p = utoa(end, v < 0 ? 0u - (uint32_t)v : (uint32_t)v, 10, 0);
      if (v < 0) *--p = '-';
      field(&o, p, (int)(end - p), width, left, fill);
      break;
    }
    case 'u':
      p = utoa(end, va_arg(ap, uint32_t), 10, 0);
      field(&o, p, (int)(end - p), width, left, fill);
      break;
    case 'x':
    case 'X':
      p = utoa(end, va_arg(ap, uint32_t), 16, *fmt == 'X');
      field(&o, p, (int)(end - p), width, left, fill);
      break;
    case 'p':
      emit(&o, '0');
      emit(&o, 'x');
      p = utoa(end, (uint32_t)(uintptr_t)va_arg(ap, void *), 16, 0);
      field(&o, p, (int)(end - p), 8, 0, '0');
      break;
    case 'c':
      buf[0] = (char)va_arg(ap, int);
      field(&o, buf, 1, width, left, ' ');
      break;
    case 's': {
      const char *s = va_arg(ap, const char *);
      if (!s) s = "(null)";
      int len = 0;
      while (s[len]) len++;
      field(&o, s, len, width, left, ' ');
      break;
    }
    case '%':
      emit(&o, '%');
      break;
    case '\0':
      return o.count; /* a lone '%' at the end of the format */
    default:
      /* Unknown conversion: print it as written so the mistake is visible. */
      emit(&o, '%');
      emit(&o, *fmt);
      break;
    }
  }
  return o.count;
}

int fmt_print(fmt_putc_fn putc, void *ctx, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = fmt_vprint(putc, ctx, fmt, ap);
  va_end(ap);
  return n;
}

struct bufout {
  char *buf;
  size_t size;
  size_t len;
};

static void buf_putc(void *ctx, char c) {
  struct bufout *b = ctx;
  if (b->len + 1 < b->size) b->buf[b->len] = c;
  b->len++;
}

int fmt_vsnprint(char *buf, size_t size, const char *fmt, va_list ap) {
  struct bufout b = {buf, size, 0};
  int n = fmt_vprint(buf_putc, &b, fmt, ap);
  if (size) buf[b.len < size ? b.len : size - 1] = '\0';
  return n;
}

int fmt_snprint(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = fmt_vsnprint(buf, size, fmt, ap);
  va_end(ap);
  return n;
}

size_t fmt_vwrite(fmt_write_fn write, void *ctx, const char *fmt, va_list ap) {
  char buf[FMT_WRITE_MAX];
  int n = fmt_vsnprint(buf, sizeof buf, fmt, ap);
  size_t len = n < (int)sizeof buf ? (size_t)n : sizeof buf - 1;
  write(ctx, buf, len);
  return len;
}
