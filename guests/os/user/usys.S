/* System call stubs: a7 = number, arguments already in a0..a2, result in a0. */
#include "syscall.h"

#define SYSCALL(name, num) \
  .globl name;             \
  name:                    \
  li a7, num;              \
  ecall;                   \
  ret

  .text
SYSCALL(write, SYS_write)
SYSCALL(read, SYS_read)
SYSCALL(exit, SYS_exit)
SYSCALL(getpid, SYS_getpid)
SYSCALL(fork, SYS_fork)
SYSCALL(wait, SYS_wait)
SYSCALL(spawn, SYS_spawn)
SYSCALL(sbrk, SYS_sbrk)
SYSCALL(yield, SYS_yield)
SYSCALL(sleep, SYS_sleep)
SYSCALL(uptime, SYS_uptime)
SYSCALL(protect, SYS_protect)
SYSCALL(__sigtrap, SYS_sigtrap)
SYSCALL(sigreturn, SYS_sigreturn)
SYSCALL(ps, SYS_ps)
SYSCALL(poweroff, SYS_poweroff)
SYSCALL(progname, SYS_progname)
SYSCALL(blk, SYS_blk)
SYSCALL(net, SYS_net)

/* A trap handler returns here (the kernel sets ra to this restorer): back to the kernel, which
 * restores the interrupted registers. */
  .globl __sigtramp
__sigtramp:
  li a7, SYS_sigreturn
  ecall
