/* A small vsnprintf: enough for the kernel's messages and the workloads' result lines. */
#include "lib.h"

struct out {
  char *buf;
  size_t size, len;
};

static void put(struct out *o, char c) {
  if (o->len + 1 < o->size) o->buf[o->len] = c;
  o->len++;
}

static void put_padded(struct out *o, const char *s, size_t n, int width, int left, char pad) {
  int fill = width > (int)n ? width - (int)n : 0;
  if (!left)
    while (fill-- > 0) put(o, pad);
  while (n--) put(o, *s++);
  if (left)
    while (fill-- > 0) put(o, ' ');
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap) {
  struct out o = {buf, size, 0};
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      put(&o, *fmt);
      continue;
    }
    fmt++;
    int left = 0;
    char pad = ' ';
    for (;; fmt++) {
      if (*fmt == '-') left = 1;
      else if (*fmt == '0') pad = '0';
      else break;
    }
    int width = 0;
    while (*fmt >= '0' && *fmt <= '9') width = width * 10 + (*fmt++ - '0');
    while (*fmt == 'l') fmt++;
    char tmp[12];
    char *end = tmp + sizeof tmp, *p = end;
    switch (*fmt) {
      case 'c': tmp[0] = (char)va_arg(ap, int); put_padded(&o, tmp, 1, width, left, ' '); break;
      case 's': {
        const char *s = va_arg(ap, const char *);
        if (!s) s = "(null)";
        put_padded(&o, s, strlen(s), width, left, ' ');
        break;
      }
      case 'd': case 'i': {
        int v = va_arg(ap, int);
        uint32_t u = v < 0 ? -(uint32_t)v : (uint32_t)v;
        do *--p = (char)('0' + u % 10); while (u /= 10);
        if (v < 0) {
          if (pad == '0' && width > 0) { put(&o, '-'); width--; }
          else *--p = '-';
        }
        put_padded(&o, p, (size_t)(end - p), width, left, pad);
        break;
      }
      case 'u': {
        uint32_t u = va_arg(ap, uint32_t);
        do *--p = (char)('0' + u % 10); while (u /= 10);
        put_padded(&o, p, (size_t)(end - p), width, left, pad);
        break;
      }
      case 'p': put(&o, '0'); put(&o, 'x'); width = 8; pad = '0'; /* fall through */
      case 'x': case 'X': {
        const char *digits = *fmt == 'X' ? "0123456789ABCDEF" : "0123456789abcdef";
        uint32_t u = va_arg(ap, uint32_t);
        do *--p = digits[u & 15]; while (u >>= 4);
        put_padded(&o, p, (size_t)(end - p), width, left, pad);
        break;
      }
      case '%': put(&o, '%'); break;
      case 0: fmt--; break;
      default: put(&o, '%'); put(&o, *fmt); break;
    }
  }
  if (size) buf[o.len < size ? o.len : size - 1] = 0;
  return (int)o.len;
}

int snprintf(char *buf, size_t size, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, size, fmt, ap);
  va_end(ap);
  return n;
}
