/* System call numbers (a7) shared by the kernel and the user library. Arguments in a0..a2,
 * result in a0; negative results are errors. See README.md for the semantics. */
#ifndef OS_SYSCALL_H
#define OS_SYSCALL_H

#define SYS_write     1  /* write(fd, buf, len) -> bytes written; fd 1 and 2 are the console */
#define SYS_read      2  /* read(fd, buf, len) -> bytes read; fd 0, one line at a time, blocks */
#define SYS_exit      3  /* exit(code) -> does not return */
#define SYS_getpid    4  /* getpid() -> pid */
#define SYS_fork      5  /* fork() -> child pid in the parent, 0 in the child */
#define SYS_wait      6  /* wait(int *status) -> pid of an exited child, -1 if none */
#define SYS_spawn     7  /* spawn(name, arg) -> pid of a new child running program `name` */
#define SYS_sbrk      8  /* sbrk(increment) -> previous break, -1 on failure */
#define SYS_yield     9  /* yield() -> 0 */
#define SYS_sleep     10 /* sleep(ms) -> 0 */
#define SYS_uptime    11 /* uptime() -> milliseconds of virtual time since reset */
#define SYS_protect   12 /* protect(addr, prot) -> 0, -1; prot = PROT_* of one user page */
#define SYS_sigtrap   13 /* sigtrap(handler, restorer) -> previous handler */
#define SYS_sigreturn 14 /* sigreturn() -> resumes after the trapping instruction */
#define SYS_ps        15 /* ps() -> number of processes; the kernel prints the table */
#define SYS_poweroff  16 /* poweroff() -> does not return */
#define SYS_progname  17 /* progname(index, buf, len) -> name length, -1 past the end */

#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

/* Values of the first handler argument (the trap kind) */
#define TRAP_BREAKPOINT 1
#define TRAP_ILLEGAL    2

/* Exit status of a process the kernel killed */
#define STATUS_KILLED (-1)

#endif
