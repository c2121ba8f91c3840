/* What the kernel does about traps: system calls, page faults, user exceptions (delivered to a
 * registered user handler or fatal), timer interrupts. The arch layer decodes scause and calls
 * these upcalls; nothing here touches a CSR. */
#include "kernel.h"

/* Kill the current process for a bad access or exception, with a message naming it. */
__attribute__((noreturn)) static void kill_current(struct trapframe *tf, int show_addr) {
  if (show_addr)
    kprintf("killed pid %d: %s at 0x%08x (pc 0x%08x)\n", cur->pid, arch_trap_name(tf), tf->tval, tf->pc);
  else
    kprintf("killed pid %d: %s (pc 0x%08x)\n", cur->pid, arch_trap_name(tf), tf->pc);
  proc_exit(STATUS_KILLED);
}

void kernel_page_fault(struct trapframe *tf, uint32_t addr, enum access acc) {
  if (vm_fault(cur, addr, acc) < 0) kill_current(tf, 1);
}

/* Deliver a breakpoint or illegal instruction to the process's handler: save the interrupted
 * registers in the kernel, and call handler(kind, pc, tval) on the user stack with ra pointing
 * at the restorer (which makes the sigreturn system call). sigreturn restores the registers
 * and resumes after the trapping instruction, whose length (2 for c.ebreak and other compressed
 * instructions, 4 otherwise) is read from its first parcel here. */
void kernel_user_exception(struct trapframe *tf, enum user_exc kind) {
  if (kind == EXC_OTHER || !cur->sig_handler || cur->in_handler)
    kill_current(tf, kind == EXC_OTHER);
  uint16_t parcel;
  if (copyin(cur, &parcel, tf->pc, sizeof parcel) < 0) kill_current(tf, 0);
  cur->sig_saved = *tf;
  cur->sig_insn_len = arch_insn_length(parcel);
  cur->in_handler = 1;
  tf->x[REG_A0] = kind == EXC_BREAKPOINT ? TRAP_BREAKPOINT : TRAP_ILLEGAL;
  tf->x[REG_A1] = tf->pc;
  tf->x[REG_A2] = tf->tval;
  tf->x[REG_RA] = cur->sig_restorer;
  tf->x[REG_SP] = (tf->x[REG_SP] - 16) & ~15u;
  tf->pc = cur->sig_handler;
}

static int sys_sigreturn(struct trapframe *tf) {
  if (!cur->in_handler) return -1;
  *tf = cur->sig_saved;
  tf->pc += cur->sig_insn_len;
  cur->in_handler = 0;
  return (int)tf->x[REG_A0]; /* the interrupted a0, written back unchanged */
}

static int sys_write(uint32_t fd, uint32_t ubuf, uint32_t len) {
  if (fd != 1 && fd != 2) return -1;
  char buf[128];
  uint32_t done = 0;
  while (done < len) {
    uint32_t n = len - done < sizeof buf ? len - done : sizeof buf;
    if (copyin(cur, buf, ubuf + done, n) < 0) return done ? (int)done : -1;
    console_write(buf, n);
    done += n;
  }
  return (int)done;
}

static int sys_sbrk(int32_t increment) {
  uint32_t old = cur->brk;
  int64_t want = (int64_t)old + increment;
  if (want < cur->heap_base || want > USER_HEAP_LIMIT) return -1;
  uint32_t brk = (uint32_t)want;
  if (brk < old) /* give back the pages wholly above the new break */
    vm_unmap_range(cur->pgdir, (brk + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1), (old + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1));
  cur->brk = brk;
  return (int)old;
}

static int sys_spawn(uint32_t uname, uint32_t uarg) {
  char name[32], arg[256];
  if (copyinstr(cur, name, uname, sizeof name) < 0) return -1;
  if (uarg && copyinstr(cur, arg, uarg, sizeof arg) < 0) return -1;
  return proc_spawn(name, uarg ? arg : NULL, cur);
}

static int sys_progname(uint32_t index, uint32_t ubuf, uint32_t len) {
  if (index >= nprograms || len == 0) return -1;
  const char *name = programs[index].name;
  uint32_t n = strlen(name);
  uint32_t copy = n < len - 1 ? n : len - 1;
  if (copyout(cur, ubuf, name, copy) < 0 || copyout(cur, ubuf + copy, "", 1) < 0) return -1;
  return (int)n;
}

void kernel_syscall(struct trapframe *tf) {
  uint32_t a0 = tf->x[REG_A0], a1 = tf->x[REG_A1], a2 = tf->x[REG_A2];
  int ret;
  switch (tf->x[REG_A7]) {
    case SYS_write: ret = sys_write(a0, a1, a2); break;
    case SYS_read: ret = a0 == 0 ? console_read(a1, a2) : -1; break;
    case SYS_exit: proc_exit((int)a0);
    case SYS_getpid: ret = cur->pid; break;
    case SYS_fork: ret = proc_fork(); break;
    case SYS_wait: ret = proc_wait(a0); break;
    case SYS_spawn: ret = sys_spawn(a0, a1); break;
    case SYS_sbrk: ret = sys_sbrk((int32_t)a0); break;
    case SYS_yield: proc_yield(); ret = 0; break;
    case SYS_sleep: proc_sleep_ticks((uint64_t)a0 * TICKS_PER_MS); ret = 0; break;
    case SYS_uptime: ret = (int)udiv64(arch_time(), TICKS_PER_MS); break;
    case SYS_protect: ret = vm_protect(cur, a0, (int)a1); break;
    case SYS_sigtrap:
      ret = (int)cur->sig_handler;
      cur->sig_handler = a0;
      cur->sig_restorer = a1;
      break;
    case SYS_sigreturn: ret = sys_sigreturn(tf); break;
    case SYS_ps: proc_ps(); ret = 0; break;
    case SYS_poweroff:
      kprintf("poweroff\n");
      arch_shutdown(0);
    case SYS_progname: ret = sys_progname(a0, a1, a2); break;
    case SYS_blk: ret = sys_blk(a0, a1, a2, tf->x[REG_A3]); break;
    case SYS_net: ret = sys_net(a0, a1, a2); break;
    default: ret = -1; break;
  }
  tf->x[REG_A0] = (uint32_t)ret;
}

void kernel_timer_interrupt(int from_user) { proc_timer_tick(from_user); }

void kernel_user_trap_exit(struct trapframe *tf) {
  (void)tf;
  proc_update_timer();
}

__attribute__((noreturn)) void kernel_panic_trap(struct trapframe *tf) {
  panic("%s in the kernel (scause 0x%08x) at pc 0x%08x, stval 0x%08x", arch_trap_name(tf),
        tf->cause, tf->pc, tf->tval);
}
