#include "ulib.h"

extern void __sigtramp(void);
int __sigtrap(trap_handler handler, void (*restorer)(void));

trap_handler sigtrap(trap_handler handler) {
  return (trap_handler)__sigtrap(handler, handler ? __sigtramp : 0);
}

/* One write per printf call, so lines from different processes never interleave. */
int printf(const char *fmt, ...) {
  char buf[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(buf, sizeof buf, fmt, ap);
  va_end(ap);
  if (n > (int)sizeof buf - 1) n = sizeof buf - 1;
  return write(1, buf, n);
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
