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
#define SYS_blk       18 /* blk(op, sector, buf, count) -> see BLK_*; -1 on error or no disk */
#define SYS_net       19 /* net(op, buf, len) -> see NET_*; -1 on error or no network device */

/* Operations of SYS_blk on the virtio block device (sectors of 512 bytes) */
#define BLK_INFO  0 /* -> capacity in sectors (at most 2^31-1) */
#define BLK_READ  1 /* count (1..8) sectors from `sector` into buf -> 0 */
#define BLK_WRITE 2 /* count (1..8) sectors from buf to `sector` -> 0 */
#define BLK_FLUSH 3 /* make every completed write durable -> 0 */
#define BLK_ID    4 /* the disk's 20-byte id string into buf -> 0 */

/* Operations of SYS_net on the virtio network device (Ethernet frames of 14..1514 bytes) */
#define NET_MAC  0 /* the device's 6-byte MAC address into buf -> 0 */
#define NET_SEND 1 /* send the frame in buf (len bytes) -> len */
#define NET_RECV 2 /* wait for a frame; up to len bytes of it into buf -> its length */

#define PROT_READ  1
#define PROT_WRITE 2
#define PROT_EXEC  4

/* Values of the first handler argument (the trap kind) */
#define TRAP_BREAKPOINT 1
#define TRAP_ILLEGAL    2

/* Exit status of a process the kernel killed */
#define STATUS_KILLED (-1)

#endif
