/* Kernel-wide definitions: memory layout, processes, and the interfaces between kernel files. */
#ifndef OS_KERNEL_H
#define OS_KERNEL_H

#include <stdarg.h>

#include "../../common/div64.h"
/* The kernel reads the virtio-mmio nodes too (fdt.c is built with -DFDT_VIRTIO for it). */
#define FDT_VIRTIO 1
#include "../../common/fdt.h"
#include "../../common/fmt.h"
#include "../../common/string.h"
#include "../arch/arch.h"
#include "../user/syscall.h"

#define OS_NAME "trapeze-os"
#define OS_VERSION "0.1"

/* ---- Memory layout (see README.md) ----------------------------------------------------- */
#define RAM_BASE 0x80000000u
#define KERNEL_BASE 0x80200000u    /* where the firmware jumps; kernel.ld links here */
#define USER_TEXT_BASE 0x00010000u /* user programs are linked here (user/user.ld) */
#define USER_HEAP_LIMIT 0x0c000000u /* the heap must stay below the PLIC megapage (VPN1 48) */
#define USER_STACK_TOP 0x7fff0000u
#define USER_STACK_MAX 0x40000u    /* the stack may grow to 256 KiB */
#define USER_TOP 0x80000000u       /* everything at or above is kernel-only */

/* ---- Scheduling ---------------------------------------------------------------------------- */
#define NPROC 16
#define KSTACK_SIZE 8192u
#define TICKS_PER_MS (ARCH_TIMEBASE_HZ / 1000u)
#define SLICE_TICKS (1 * TICKS_PER_MS) /* 1 ms time slice = 1,000,000 instructions under icount */

enum pstate { P_UNUSED, P_RUNNABLE, P_RUNNING, P_SLEEPING, P_ZOMBIE };

struct proc {
  int pid;
  enum pstate state;
  char name[16];
  struct proc *parent;
  int exit_status;
  uint32_t pgdir;              /* physical (= kernel virtual) address of the root page table */
  uint32_t heap_base, brk;     /* demand-zero heap is [heap_base, brk) */
  const void *chan;            /* what a sleeping process waits for */
  uint64_t wake_at;            /* timed sleep deadline in mtime ticks, 0 = none */
  uint64_t slice_end;          /* preempt at this mtime if someone else is runnable */
  uint32_t sig_handler;        /* user trap handler (0 = none: traps kill) */
  uint32_t sig_restorer;       /* user code that calls sigreturn; handler returns there */
  int in_handler;              /* a trap is being handled; sig_saved holds the interrupted state */
  uint32_t sig_insn_len;       /* length of the trapping instruction, skipped on sigreturn */
  struct trapframe sig_saved;
  struct trapframe *tf;        /* user registers, at the top of this process's kernel stack */
  struct context ctx;          /* kernel registers while switched out */
};

extern struct proc *cur; /* the running process, NULL in the scheduler */

/* main.c */
extern char bootargs[256];
__attribute__((noreturn)) void panic(const char *fmt, ...);

/* console.c */
void kprintf(const char *fmt, ...);
void console_write(const char *buf, size_t len);
int console_read(uint32_t ubuf, uint32_t len); /* line-buffered, echoing, blocking */

/* mm.c: physical pages */
void mm_init(uint32_t start, uint32_t end);
void *page_alloc(void); /* one 4 KiB page, uninitialised; NULL when out of memory */
void *page_alloc_zero(void);
void page_free(void *page);
uint32_t mm_free_pages(void);

/* vm.c: address spaces */
void vm_init(uint32_t ram_base, uint32_t ram_end);
uint32_t vm_create(void);                      /* new root with the kernel mapped; 0 if OOM */
void vm_destroy(uint32_t root);
void vm_activate(uint32_t root);
uint32_t vm_kernel_root(void);
int vm_map(uint32_t root, uint32_t va, uint32_t pa, uint32_t flags);
int vm_copy(uint32_t dst_root, uint32_t src_root);
void vm_unmap_range(uint32_t root, uint32_t start, uint32_t end);
int vm_fault(struct proc *p, uint32_t va, enum access acc); /* 0 = resolved, -1 = bad access */
int vm_protect(struct proc *p, uint32_t va, int prot);
int vm_user_ok(struct proc *p, uint32_t va, uint32_t len, int write); /* 0 = accessible */
int copyin(struct proc *p, void *dst, uint32_t usrc, uint32_t len);
int copyout(struct proc *p, uint32_t udst, const void *src, uint32_t len);
int copyinstr(struct proc *p, char *dst, uint32_t usrc, uint32_t size);

/* proc.c */
void proc_init(void);
__attribute__((noreturn)) void scheduler(void);
int proc_spawn(const char *name, const char *arg, struct proc *parent);
int proc_fork(void);
__attribute__((noreturn)) void proc_exit(int status);
int proc_wait(uint32_t ustatus);
void proc_kill(struct proc *p, const char *why, uint32_t addr, int show_addr);
void proc_yield(void);
void proc_sleep_on(const void *chan);
void proc_wakeup(const void *chan);
void proc_sleep_ticks(uint64_t ticks);
void proc_timer_tick(int from_user);
void proc_update_timer(void);
void proc_ps(void);

/* virtio.c, blk.c, net.c: devices */
void virtio_init(const struct fdt_info *dt);
int sys_blk(uint32_t op, uint32_t sector, uint32_t ubuf, uint32_t count);
int sys_net(uint32_t op, uint32_t ubuf, uint32_t len);
void vcons_activate(void);     /* console=virtio: output to the virtio console from now on */
int vcons_active(void);
void vcons_write(const char *buf, size_t len);

/* exec.c: embedded programs */
struct program {
  const char *name;
  const uint8_t *elf;
  uint32_t size;
};
extern const struct program programs[];
extern const uint32_t nprograms;
const struct program *program_find(const char *name);
const struct program *blk_program(void); /* the program on the virtio disk, for run=disk */
int exec_load(struct proc *p, const struct program *prog, const char *arg);

#endif
