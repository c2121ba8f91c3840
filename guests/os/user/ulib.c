#include "ulib.h"

extern void __sigtramp(void);
int __sigtrap(trap_handler handler, void (*restorer)(void));

trap_handler sigtrap(trap_handler handler) {
  return (trap_handler)__sigtrap(handler, handler ? __sigtramp : 0);
}

static void stdout_write(void *ctx, const char *buf, size_t len) {
  (void)ctx;
  write(1, buf, (int)len);
}

/* One write per printf call, so lines from different processes never interleave. */
int printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  int n = (int)fmt_vwrite(stdout_write, 0, fmt, ap);
  va_end(ap);
  return n;
}

void puts_(const char *s) { write(1, s, (int)strlen(s)); }

void report(const char *name, uint32_t n, uint32_t checksum, uint32_t instret) {
  printf("%s: n=%u checksum=0x%08x instret=%u\n", name, n, checksum, instret);
}

const char *const workloads[] = {"syscall", "pgfault", "ptemod", "trap", "io", "forkwait", "compute", 0};

int run_program(const char *name, const char *arg) {
  int pid = spawn(name, arg);
  if (pid < 0) {
    printf("%s: no such program\n", name);
    return -1;
  }
  int status = 0, w;
  while ((w = wait(&status)) != pid && w >= 0) {
    /* an orphan inherited by init: reaped, keep waiting for ours */
  }
  if (status != 0) printf("%s: exit status %d\n", name, status);
  return status;
}
