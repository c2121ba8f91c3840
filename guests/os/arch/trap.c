/* The half of the architecture layer that a native and a paravirtualized kernel share: trap
 * dispatch (entry.S calls arch_user_trap and arch_kernel_trap with the saved registers), trap
 * names, and copies to and from user memory under sstatus.SUM. The external interrupt is each
 * build's own (arch_external_interrupt: the PLIC natively, event channels under the PV ABI). */
#include "trap.h"

#include "../../common/riscv.h"

void arch_copy_from_user(void *dst, uint32_t usrc, size_t n) {
  csr_set(sstatus, SSTATUS_SUM);
  const volatile uint8_t *s = (const volatile uint8_t *)usrc;
  uint8_t *d = dst;
  while (n--) *d++ = *s++;
  csr_clear(sstatus, SSTATUS_SUM);
}

void arch_copy_to_user(uint32_t udst, const void *src, size_t n) {
  csr_set(sstatus, SSTATUS_SUM);
  volatile uint8_t *d = (volatile uint8_t *)udst;
  const uint8_t *s = src;
  while (n--) *d++ = *s++;
  csr_clear(sstatus, SSTATUS_SUM);
}

/* Called by entry.S for every trap from U-mode; decodes scause into a kernel upcall. */
void arch_user_trap(struct trapframe *tf) {
  uint32_t cause = tf->cause;
  if (cause & CAUSE_INTERRUPT) {
    switch (cause & ~CAUSE_INTERRUPT) {
      case IRQ_S_TIMER: kernel_timer_interrupt(1); break;
      case IRQ_S_EXT: arch_external_interrupt(); break;
      default: kernel_panic_trap(tf);
    }
  } else {
    switch (cause) {
      case CAUSE_USER_ECALL:
        tf->pc += 4; /* ecall is always 4 bytes; resume after it */
        kernel_syscall(tf);
        break;
      case CAUSE_FETCH_PAGE_FAULT: kernel_page_fault(tf, tf->tval, ACCESS_FETCH); break;
      case CAUSE_LOAD_PAGE_FAULT: kernel_page_fault(tf, tf->tval, ACCESS_LOAD); break;
      case CAUSE_STORE_PAGE_FAULT: kernel_page_fault(tf, tf->tval, ACCESS_STORE); break;
      case CAUSE_BREAKPOINT: kernel_user_exception(tf, EXC_BREAKPOINT); break;
      case CAUSE_ILLEGAL_INSTRUCTION: kernel_user_exception(tf, EXC_ILLEGAL); break;
      default: kernel_user_exception(tf, EXC_OTHER); break;
    }
  }
  kernel_user_trap_exit(tf);
}

/* Called by entry.S for traps taken while in S-mode: only interrupts in the idle window are
 * expected; any exception is a kernel bug. */
void arch_kernel_trap(struct trapframe *tf) {
  uint32_t cause = tf->cause;
  if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER))
    kernel_timer_interrupt(0);
  else if (cause == (CAUSE_INTERRUPT | IRQ_S_EXT))
    arch_external_interrupt();
  else
    kernel_panic_trap(tf);
}

const char *arch_trap_name(const struct trapframe *tf) {
  static const char *const names[16] = {
      "instruction address misaligned", "instruction access fault", "illegal instruction",
      "breakpoint", "load address misaligned", "load access fault",
      "store address misaligned", "store access fault", "environment call from U-mode",
      "environment call from S-mode", "exception 10", "environment call from M-mode",
      "instruction page fault", "load page fault", "exception 14", "store page fault"};
  if (tf->cause & CAUSE_INTERRUPT) return "unexpected interrupt";
  return tf->cause < 16 ? names[tf->cause] : "unknown exception";
}
