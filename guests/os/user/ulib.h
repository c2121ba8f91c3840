/* The user-side library: system call wrappers, printf, counters, and helpers shared by init,
 * the shell and the workloads. */
#ifndef OS_ULIB_H
#define OS_ULIB_H

#include <stdarg.h>
#include <stdint.h>

#include "../../common/fmt.h"
#include "../../common/string.h"
#include "syscall.h"

int write(int fd, const void *buf, int len);
int read(int fd, void *buf, int len);
__attribute__((noreturn)) void exit(int code);
int getpid(void);
int fork(void);
int wait(int *status);
int spawn(const char *name, const char *arg);
void *sbrk(int increment);
int yield(void);
int sleep(unsigned ms);
unsigned uptime(void);
int protect(void *addr, int prot);
int sigreturn(void);
int ps(void);
__attribute__((noreturn)) void poweroff(void);
int progname(int index, char *buf, int len);
/* The virtio disk (syscall.h: BLK_INFO, BLK_READ, BLK_WRITE, BLK_FLUSH, BLK_ID); -1 on error
 * or without a disk. */
int blk(int op, uint32_t sector, void *buf, uint32_t count);
/* The virtio network device (syscall.h: NET_MAC, NET_SEND, NET_RECV); -1 on error or without
 * one. */
int net(int op, void *buf, uint32_t len);

/* Register handler(kind, pc, tval) for breakpoints and illegal instructions; when it returns,
 * execution resumes after the trapping instruction. NULL restores the default (kill). */
typedef void (*trap_handler)(int kind, uint32_t pc, uint32_t tval);
trap_handler sigtrap(trap_handler handler);

/* Formats (fmt.h conversions) and writes the result to fd 1 in one write (at most 255 bytes);
 * returns the number of bytes formatted. */
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void puts_(const char *s); /* no newline added */

/* Retired-instruction counter (low 32 bits: a workload's delta fits). */
static inline uint32_t rdinstret(void) {
  uint32_t v;
  __asm__ volatile("rdinstret %0" : "=r"(v));
  return v;
}

/* Checksum mixing shared by the workloads (a 32-bit FNV-1a step over one word). */
static inline uint32_t mix(uint32_t h, uint32_t v) {
  for (int i = 0; i < 4; i++, v >>= 8) h = (h ^ (v & 0xff)) * 16777619u;
  return h;
}
#define MIX_INIT 2166136261u

/* Workload result line: "NAME: n=N checksum=0x........ instret=I". */
void report(const char *name, uint32_t n, uint32_t checksum, uint32_t instret);

/* The workloads, in `bench` / `run=all` order (NULL-terminated). */
extern const char *const workloads[];
/* Spawn `name` with `arg`, wait for it, say so if it failed. Returns its exit status. */
int run_program(const char *name, const char *arg);

#endif
