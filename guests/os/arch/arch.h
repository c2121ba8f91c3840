/* The architecture layer: the ONE place where the kernel touches privileged state.
 *
 * Everything that a paravirtualized build would have to replace lives behind this header:
 * CSR access, trap entry/return (sret), sfence.vma, satp, page-table entry writes, the timer,
 * the console (SBI DBCN out, UART + PLIC in), interrupt masking, wfi and power-off. The rest of
 * the kernel (kernel/, lib/) is plain C that calls these functions and the upcalls declared at
 * the bottom; it contains no csrr/csrw/sfence/ecall/sret and never stores to a PTE itself.
 *
 * Implementation: arch/riscv.c (C side) and arch/entry.S (boot entry, trap vector, return to
 * user, context switch). */
#ifndef OS_ARCH_H
#define OS_ARCH_H

#include <stddef.h>
#include <stdint.h>

#include "../../common/regs.h" /* REG_RA, REG_SP, REG_A0, ...: indices into trapframe.x */
#include "../../common/sv32.h" /* the page-table format: pte_t, PTE_*, PAGE_SIZE, VPN1, ... */

/* ---- Registers saved on a trap ------------------------------------------------------------ */

/* Saved user (or interrupted kernel) state. x[0] is unused (x0 is hard-wired zero); x[n] is
 * register xn. The layout is shared with entry.S (TF_* offsets there). 144 bytes, a multiple
 * of 16 so it can sit at the top of a kernel stack without breaking stack alignment. */
struct trapframe {
  uint32_t x[32];
  uint32_t pc;     /* sepc: where the trap happened (or where to resume) */
  uint32_t status; /* sstatus at trap time */
  uint32_t cause;  /* scause */
  uint32_t tval;   /* stval */
};

/* Callee-saved registers kept across arch_switch_context (kernel thread switch). */
struct context {
  uint32_t ra, sp;
  uint32_t s[12];
};

/* ---- Boot, power ----------------------------------------------------------------------- */

void arch_init(void);                                   /* trap vector, counters, console, irqs */
__attribute__((noreturn)) void arch_shutdown(int failure); /* SBI SRST shutdown */

/* ---- Console ----------------------------------------------------------------------------- */

void arch_console_write(const char *buf, size_t len); /* kernel buffer, blocking */
void arch_console_rx_enable(int on);                 /* UART receive interrupt on/off */

/* ---- Time --------------------------------------------------------------------------------- */

#define ARCH_TIMEBASE_HZ 10000000u     /* the virt board's mtime frequency */
#define ARCH_TIMER_NEVER UINT64_MAX
uint64_t arch_time(void);              /* current mtime */
void arch_set_timer(uint64_t deadline); /* next timer interrupt at mtime >= deadline; clears a pending one */

/* ---- Interrupts --------------------------------------------------------------------------- */

/* The kernel always runs with interrupts masked (sstatus.SIE = 0); user mode always takes them.
 * The idle loop calls this: sleep until an interrupt is pending, then open a one-instruction
 * window so it is taken (and handled through the kernel_* upcalls) before returning. */
void arch_idle(void);
/* Route a device's interrupt (PLIC source `irq`, 1..31) to the kernel: its handler then gets
 * kernel_device_interrupt(irq). */
void arch_irq_enable(uint32_t irq);
/* Whether a device's interrupt is already acknowledged at the device when kernel_device_interrupt
 * runs (under the PV ABI the hypervisor does it), so that the driver need not. */
int arch_irq_acked(void);

/* ---- MMU (Sv32) --------------------------------------------------------------------------- */

/* The kernel part of every root (entries the kernel's mappings need, zero elsewhere): native,
 * RAM and the devices in supervisor megapages; paravirtualized, links to the hypervisor's
 * leaf tables of RAM and the virtio pages. */
void arch_kernel_map(pte_t entries[1024], uint32_t ram_base, uint32_t ram_end);
/* Where memory the kernel may allocate ends (what the arch keeps lies above). */
uint32_t arch_memory_end(uint32_t ram_end);
/* A zeroed page whose first entries were written with arch_set_pte becomes a table (`root`: a
 * level-1 table, else level 0), and a table no longer linked or active becomes a page again:
 * native, nothing to do; paravirtualized, its mapping turns read-only and back. */
void arch_pgtable_new(void *table, int root);
void arch_pgtable_free(void *table, int root);
void arch_set_pte(pte_t *ptep, pte_t value);  /* a non-leaf entry, or an entry of a new table */
/* A leaf of a table in use; `flush`: the address space is the active one (sfence.vma va). */
void arch_set_leaf(pte_t *ptep, pte_t value, uint32_t va, int flush);
/* Between arch_mmu_lazy(1) and arch_mmu_lazy(0) leaf writes may be batched: nothing reads
 * them back meanwhile. */
void arch_mmu_lazy(int on);
void arch_flush_tlb_page(uint32_t va);        /* sfence.vma va, x0 (current address space) */
void arch_activate_pgdir(uint32_t root_pa);   /* satp = Sv32 | root; full flush */

/* ---- User memory -------------------------------------------------------------------------- */

/* Copy to/from user virtual addresses of the current address space, with sstatus.SUM set only
 * for the duration of the copy. The caller has already checked (kernel/vm.c) that every page is
 * mapped with the U bit and the needed permission, so these cannot fault. */
void arch_copy_from_user(void *dst, uint32_t usrc, size_t n);
void arch_copy_to_user(uint32_t udst, const void *src, size_t n);

/* ---- Threads ------------------------------------------------------------------------------ */

void arch_switch_context(struct context *save, struct context *load);
__attribute__((noreturn)) void arch_return_to_user(struct trapframe *tf);
/* Kernel stack pointer for a new process whose trapframe sits at tf (the top of its stack). */
#define ARCH_KSTACK_TOP(tf) ((uint32_t)(tf))

/* ---- Upcalls: implemented by the kernel, called by the arch layer ----------------------- */

enum access { ACCESS_FETCH, ACCESS_LOAD, ACCESS_STORE };
enum user_exc { EXC_BREAKPOINT, EXC_ILLEGAL, EXC_OTHER };

void kernel_syscall(struct trapframe *tf);        /* tf->pc already points after the ecall */
void kernel_page_fault(struct trapframe *tf, uint32_t addr, enum access acc);
void kernel_user_exception(struct trapframe *tf, enum user_exc kind);
void kernel_timer_interrupt(int from_user);
int kernel_console_rx_room(void);                 /* bytes the input buffer can still take */
void kernel_console_rx(int c);                    /* one received byte */
void kernel_device_interrupt(uint32_t irq);       /* a device's PLIC source (not the UART) */
void kernel_user_trap_exit(struct trapframe *tf); /* last stop before returning to user */
__attribute__((noreturn)) void kernel_panic_trap(struct trapframe *tf);

/* Human-readable name of tf->cause ("store page fault", "illegal instruction", ...). */
const char *arch_trap_name(const struct trapframe *tf);
/* Length in bytes of the instruction whose first 16-bit parcel is `parcel` (2 or 4). */
static inline uint32_t arch_insn_length(uint16_t parcel) { return (parcel & 3) == 3 ? 4 : 2; }

#endif
