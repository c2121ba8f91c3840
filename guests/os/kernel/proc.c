/* Processes and the scheduler.
 *
 * Each process has a kernel stack (static, one per slot) whose top holds its trapframe. The
 * kernel is not preemptible: it runs with interrupts masked, and a process leaves the CPU only
 * by calling sched() (yield, sleep, wait, exit, or preemption at the end of a timer trap). The
 * scheduler runs on the boot stack, xv6-style: sched() switches to it, it picks the next
 * runnable slot round-robin, and switches to that process's saved kernel context.
 *
 * Time slice: SLICE_TICKS (1 ms of mtime = 1,000,000 instructions under -icount shift=0). The
 * timer is tickless: it is programmed only for the earliest timed sleeper and, when another
 * process is waiting to run, for the end of the running process's slice. A process that runs
 * alone takes no timer interrupts at all, so the workloads' instruction counts are not perturbed. */
#include "kernel.h"

static struct proc procs[NPROC];
static uint8_t kstacks[NPROC][KSTACK_SIZE] __attribute__((aligned(16)));
struct proc *cur;
static struct proc *initproc;
static struct context sched_ctx;
static int next_pid = 1;
static int last_slot = NPROC - 1; /* round-robin position */
static int nready;                /* processes in P_RUNNABLE */
static int ntimed;                /* processes in a timed sleep */
static uint64_t timer_deadline;   /* what the timer is programmed to */

static void set_state(struct proc *p, enum pstate s) {
  if (p->state == P_RUNNABLE) nready--;
  if (s == P_RUNNABLE) nready++;
  p->state = s;
}

void proc_init(void) {
  timer_deadline = ARCH_TIMER_NEVER; /* arch_init left the timer there */
}

/* First kernel code a new process runs (its context's ra): straight out to user mode. */
static void first_return(void) {
  proc_update_timer();
  arch_return_to_user(cur->tf);
}

static struct proc *alloc_proc(void) {
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &procs[i];
    if (p->state != P_UNUSED) continue;
    memset(p, 0, sizeof *p);
    p->pid = next_pid++;
    p->tf = (struct trapframe *)(kstacks[i] + KSTACK_SIZE - sizeof(struct trapframe));
    memset(p->tf, 0, sizeof *p->tf);
    p->ctx.ra = (uint32_t)first_return;
    p->ctx.sp = ARCH_KSTACK_TOP(p->tf);
    return p;
  }
  return NULL;
}

static void free_proc(struct proc *p) {
  p->state = P_UNUSED;
  p->parent = NULL;
  p->pid = 0;
}

static void sched(void) { arch_switch_context(&cur->ctx, &sched_ctx); }

static struct proc *pick(void) {
  for (int k = 1; k <= NPROC; k++) {
    int i = (last_slot + k) % NPROC;
    if (procs[i].state == P_RUNNABLE) {
      last_slot = i;
      return &procs[i];
    }
  }
  return NULL;
}

/* Nothing to run: wait for an interrupt. The timer is never left at "never" while idle, but
 * at most IDLE_MAX_TICKS ahead (on a millisecond boundary): QEMU with -icount sleep=off
 * jumps virtual time straight to the next timer deadline when the CPU idles, and with the
 * deadline at "never" it spins forever without ever reading new console input. A bounded
 * deadline makes the idle loop wake up now and then instead (free under icount, where the
 * jump costs no host time), which also keeps run loops that stop at an endless wfi going. */
#define IDLE_MAX_TICKS (1000 * TICKS_PER_MS)

static void idle(void) {
  proc_update_timer(); /* only sleepers matter now */
  uint64_t cap = udiv64(arch_time(), TICKS_PER_MS) * TICKS_PER_MS + IDLE_MAX_TICKS;
  if (timer_deadline > cap) {
    timer_deadline = cap;
    arch_set_timer(cap);
  }
  arch_idle();
}

__attribute__((noreturn)) void scheduler(void) {
  for (;;) {
    struct proc *p = pick();
    if (!p) {
      idle();
      continue;
    }
    set_state(p, P_RUNNING);
    cur = p;
    p->slice_end = arch_time() + SLICE_TICKS;
    vm_activate(p->pgdir);
    arch_switch_context(&sched_ctx, &p->ctx);
    cur = NULL;
  }
}

void proc_update_timer(void) {
  uint64_t deadline = ARCH_TIMER_NEVER;
  if (ntimed)
    for (int i = 0; i < NPROC; i++)
      if (procs[i].state == P_SLEEPING && procs[i].wake_at && procs[i].wake_at < deadline)
        deadline = procs[i].wake_at;
  if (cur && nready > 0 && cur->slice_end < deadline) deadline = cur->slice_end;
  if (deadline != timer_deadline) {
    timer_deadline = deadline;
    arch_set_timer(deadline);
  }
}

void proc_timer_tick(int from_user) {
  timer_deadline = 0; /* the interrupt stays pending until the timer is set again */
  uint64_t now = arch_time();
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &procs[i];
    if (p->state == P_SLEEPING && p->wake_at && p->wake_at <= now) {
      p->wake_at = 0;
      ntimed--;
      set_state(p, P_RUNNABLE);
    }
  }
  if (from_user && cur && nready > 0 && now >= cur->slice_end) proc_yield();
  proc_update_timer();
}

void proc_yield(void) {
  set_state(cur, P_RUNNABLE);
  sched();
}

void proc_sleep_on(const void *chan) {
  cur->chan = chan;
  set_state(cur, P_SLEEPING);
  sched();
  cur->chan = NULL;
}

void proc_wakeup(const void *chan) {
  for (int i = 0; i < NPROC; i++)
    if (procs[i].state == P_SLEEPING && procs[i].chan == chan) set_state(&procs[i], P_RUNNABLE);
}

void proc_sleep_ticks(uint64_t ticks) {
  uint64_t deadline = arch_time() + ticks;
  while (arch_time() < deadline) {
    cur->wake_at = deadline;
    ntimed++;
    proc_sleep_on(&cur->wake_at);
  }
}

int proc_spawn(const char *name, const char *arg, struct proc *parent) {
  const struct program *prog = program_find(name);
  if (!prog) return -1;
  struct proc *p = alloc_proc();
  if (!p) return -1;
  p->pgdir = vm_create();
  if (!p->pgdir || exec_load(p, prog, arg) < 0) {
    if (p->pgdir) vm_destroy(p->pgdir);
    free_proc(p);
    return -1;
  }
  strncpy0(p->name, name, sizeof p->name);
  p->parent = parent;
  if (!initproc) initproc = p;
  set_state(p, P_RUNNABLE);
  return p->pid;
}

int proc_fork(void) {
  struct proc *p = alloc_proc();
  if (!p) return -1;
  p->pgdir = vm_create();
  if (!p->pgdir || vm_copy(p->pgdir, cur->pgdir) < 0) {
    if (p->pgdir) vm_destroy(p->pgdir);
    free_proc(p);
    return -1;
  }
  memcpy(p->name, cur->name, sizeof p->name);
  p->parent = cur;
  p->heap_base = cur->heap_base;
  p->brk = cur->brk;
  p->sig_handler = cur->sig_handler;
  p->sig_restorer = cur->sig_restorer;
  p->in_handler = cur->in_handler;
  p->sig_insn_len = cur->sig_insn_len;
  p->sig_saved = cur->sig_saved;
  *p->tf = *cur->tf;
  p->tf->x[REG_A0] = 0; /* fork returns 0 in the child */
  set_state(p, P_RUNNABLE);
  return p->pid;
}

__attribute__((noreturn)) void proc_exit(int status) {
  struct proc *p = cur;
  if (p == initproc) {
    kprintf("init exited with status %d\n", status);
    arch_shutdown(status != 0);
  }
  vm_destroy(p->pgdir); /* switches to the kernel-only root first */
  p->pgdir = 0;
  for (int i = 0; i < NPROC; i++) {
    if (procs[i].state != P_UNUSED && procs[i].parent == p) {
      procs[i].parent = initproc; /* orphans are reaped by init */
      if (procs[i].state == P_ZOMBIE) proc_wakeup(initproc);
    }
  }
  p->exit_status = status;
  set_state(p, P_ZOMBIE);
  proc_wakeup(p->parent); /* a parent in wait() sleeps on itself */
  sched();
  panic("zombie %d ran again", p->pid);
}

int proc_wait(uint32_t ustatus) {
  for (;;) {
    int have_children = 0;
    for (int i = 0; i < NPROC; i++) {
      struct proc *p = &procs[i];
      if (p->state == P_UNUSED || p->parent != cur) continue;
      have_children = 1;
      if (p->state != P_ZOMBIE) continue;
      int pid = p->pid, status = p->exit_status;
      free_proc(p);
      if (ustatus && copyout(cur, ustatus, &status, sizeof status) < 0) return -1;
      return pid;
    }
    if (!have_children) return -1;
    proc_sleep_on(cur);
  }
}

void proc_ps(void) {
  static const char *const names[] = {"unused", "ready", "run", "sleep", "zombie"};
  kprintf("  PID  PPID STATE   NAME\n");
  for (int i = 0; i < NPROC; i++) {
    struct proc *p = &procs[i];
    if (p->state == P_UNUSED) continue;
    kprintf("%5d %5d %-7s %s\n", p->pid, p->parent ? p->parent->pid : 0, names[p->state], p->name);
  }
  kprintf("free pages: %u\n", mm_free_pages());
}
