// Trapeze's /init for the Linux guest: a static rv32 program without libc (raw system calls)
// that checks what a user space leans on — processes, signals, memory mapping, timers, files
// under /proc — prints one line per check, and powers the machine off. Every line it prints
// is the same on QEMU and on every Trapeze engine (no time or address is printed).

typedef unsigned int u32;
typedef int s32;
typedef long long s64;

enum {
  SYS_openat = 56,
  SYS_close = 57,
  SYS_read = 63,
  SYS_write = 64,
  SYS_exit = 93,
  SYS_waitid = 95,
  SYS_kill = 129,
  SYS_rt_sigaction = 134,
  SYS_reboot = 142,
  SYS_getpid = 172,
  SYS_munmap = 215,
  SYS_clone = 220,
  SYS_mmap2 = 222,
  SYS_mount = 40,
  SYS_clock_gettime64 = 403,
  SYS_clock_nanosleep_time64 = 407,
};

static long sys(long n, long a, long b, long c, long d, long e, long f) {
  register long a0 __asm__("a0") = a;
  register long a1 __asm__("a1") = b;
  register long a2 __asm__("a2") = c;
  register long a3 __asm__("a3") = d;
  register long a4 __asm__("a4") = e;
  register long a5 __asm__("a5") = f;
  register long a7 __asm__("a7") = n;
  __asm__ volatile("ecall"
                   : "+r"(a0)
                   : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
                   : "memory");
  return a0;
}

static unsigned len(const char *s) {
  unsigned n = 0;
  while (s[n]) n++;
  return n;
}

static void out(const char *s) { sys(SYS_write, 1, (long)s, len(s), 0, 0, 0); }

static void num(long v) {
  char buf[16];
  int i = 15;
  int negative = v < 0;
  unsigned long u = negative ? -(unsigned long)v : (unsigned long)v;
  buf[i] = 0;
  do {
    buf[--i] = (char)('0' + u % 10);
    u /= 10;
  } while (u);
  if (negative) buf[--i] = '-';
  out(buf + i);
}

static int failures;

static void check(const char *what, int ok) {
  out("init: ");
  out(what);
  out(ok ? ": ok\n" : ": FAILED\n");
  if (!ok) failures++;
}

struct timespec64 {
  s64 sec;
  s64 nsec;
};

static s64 now_ns(void) {
  struct timespec64 t;
  sys(SYS_clock_gettime64, 1 /* CLOCK_MONOTONIC */, (long)&t, 0, 0, 0, 0);
  return t.sec * 1000000000LL + t.nsec;
}

static volatile int signalled;

static void on_signal(int n) { signalled = n; }

struct sigaction_k {
  void (*handler)(int);
  unsigned long flags;
  void (*restorer)(void);
  unsigned long mask[2];
};

// Processes: the child exits with 42, the parent collects it.
static void processes(void) {
  long pid = sys(SYS_clone, 17 /* SIGCHLD */, 0, 0, 0, 0, 0);
  if (pid == 0) sys(SYS_exit, 42, 0, 0, 0, 0, 0);
  struct {
    s32 signo, errno_, code, pid, uid, status;
    char pad[104];
  } info;
  for (unsigned i = 0; i < sizeof info; i++) ((char *)&info)[i] = 0;
  long r = sys(SYS_waitid, 1 /* P_PID */, pid, (long)&info, 4 /* WEXITED */, 0, 0);
  check("fork and wait (child exit status 42)", pid > 1 && r == 0 && info.status == 42);
}

// Copy-on-write: the child writes its copy of a page; the parent's stays.
static int shared_value = 7;

static void copy_on_write(void) {
  long pid = sys(SYS_clone, 17, 0, 0, 0, 0, 0);
  if (pid == 0) {
    shared_value = 99;
    sys(SYS_exit, shared_value == 99 ? 0 : 1, 0, 0, 0, 0, 0);
  }
  struct {
    s32 signo, errno_, code, pid, uid, status;
    char pad[104];
  } info;
  for (unsigned i = 0; i < sizeof info; i++) ((char *)&info)[i] = 0;
  sys(SYS_waitid, 1, pid, (long)&info, 4, 0, 0);
  check("copy-on-write after fork", info.status == 0 && shared_value == 7);
}

static void signals(void) {
  struct sigaction_k action = {on_signal, 0, 0, {0, 0}};
  long r = sys(SYS_rt_sigaction, 10 /* SIGUSR1 */, (long)&action, 0, 8, 0, 0);
  sys(SYS_kill, sys(SYS_getpid, 0, 0, 0, 0, 0, 0), 10, 0, 0, 0, 0);
  check("a signal reaches its handler", r == 0 && signalled == 10);
}

static void memory(void) {
  const long size = 3 * 4096;
  char *p = (char *)sys(SYS_mmap2, 0, size, 3 /* PROT_READ|WRITE */, 0x22 /* PRIVATE|ANON */,
                        -1, 0);
  int ok = (unsigned long)p < 0xfffff000UL;
  if (ok) {
    for (long i = 0; i < size; i += 512) ok &= p[i] == 0;
    for (long i = 0; i < size; i++) p[i] = (char)i;
    for (long i = 0; i < size; i++) ok &= p[i] == (char)i;
    // A misaligned word across a page boundary.
    volatile u32 *w = (volatile u32 *)(p + 4094);
    *w = 0x12345678u;
    ok &= *w == 0x12345678u && (unsigned char)p[4095] == 0x56;
    ok &= sys(SYS_munmap, (long)p, size, 0, 0, 0, 0) == 0;
  }
  check("anonymous mmap: zeroed, writable, misaligned across pages, unmapped", ok);
}

static void timers(void) {
  s64 before = now_ns();
  struct timespec64 t = {0, 20 * 1000 * 1000};
  long r = sys(SYS_clock_nanosleep_time64, 1, 0, (long)&t, 0, 0, 0);
  s64 slept = now_ns() - before;
  check("sleep 20 ms on the monotonic clock", r == 0 && slept >= 20 * 1000 * 1000);
}

static void proc_files(void) {
  long m = sys(SYS_mount, (long)"proc", (long)"/proc", (long)"proc", 0, 0, 0);
  long fd = sys(SYS_openat, -100 /* AT_FDCWD */, (long)"/proc/self/stat", 0, 0, 0, 0);
  char buf[64];
  long n = fd >= 0 ? sys(SYS_read, fd, (long)buf, sizeof buf - 1, 0, 0, 0) : -1;
  if (fd >= 0) sys(SYS_close, fd, 0, 0, 0, 0, 0);
  // "1 (init) R 0 ...": this process, pid 1.
  check("/proc/self/stat names pid 1 (init)",
        m == 0 && n > 8 && buf[0] == '1' && buf[1] == ' ' && buf[2] == '(' && buf[3] == 'i');
}

void start(void) {
  out("init: Trapeze Linux guest, pid ");
  num(sys(SYS_getpid, 0, 0, 0, 0, 0, 0));
  out("\n");
  processes();
  copy_on_write();
  signals();
  memory();
  timers();
  proc_files();
  out(failures ? "init: some checks FAILED\n" : "init: all checks passed, powering off\n");
  sys(SYS_reboot, 0xfee1dead, 672274793, 0x4321fedc /* POWER_OFF */, 0, 0, 0);
  for (;;) sys(SYS_exit, 1, 0, 0, 0, 0, 0);
}

__asm__(".section .text.start\n"
        ".global _start\n"
        "_start:\n"
        "  andi sp, sp, -16\n"
        "  call start\n");
