/* The RISC-V (S-mode, SBI, virt board) implementation of arch.h. See arch.h for the contract.
 * This file, trap.c (shared with the paravirtualized build) and entry.S are the only places
 * with privileged instructions. */
#include "arch.h"
#include "trap.h"

#include "../../common/mmio.h"
#include "../../common/riscv.h"
#include "../../common/sbi.h"
#include "../../common/uart.h"
#include "../../common/virt.h"

/* PLIC registers for source VIRT_UART0_IRQ and the S-mode context of hart 0 (context 1). */
#define PLIC_PRIORITY(irq) (VIRT_PLIC_BASE + 4 * (irq))
#define PLIC_S_ENABLE      (VIRT_PLIC_BASE + 0x2080)
#define PLIC_S_THRESHOLD   (VIRT_PLIC_BASE + 0x201000)
#define PLIC_S_CLAIM       (VIRT_PLIC_BASE + 0x201004)

#define SCOUNTEREN_CY (1u << 0)
#define SCOUNTEREN_TM (1u << 1)
#define SCOUNTEREN_IR (1u << 2)

extern char arch_trap_vector[];
static int have_dbcn; /* SBI debug console present (else legacy putchar) */

void arch_init(void) {
  csr_write(sscratch, 0);
  csr_write(stvec, (uintptr_t)arch_trap_vector); /* direct mode: every trap to one vector */
  /* Let user mode read cycle/time/instret (the workloads measure with rdinstret). Reads only
   * succeed if the firmware also set the matching mcounteren bits. */
  csr_write(scounteren, SCOUNTEREN_CY | SCOUNTEREN_TM | SCOUNTEREN_IR);
  csr_clear(sstatus, SSTATUS_SIE | SSTATUS_SUM);

  have_dbcn = sbi_probe_extension(SBI_EXT_DBCN).value != 0;
  arch_set_timer(ARCH_TIMER_NEVER); /* no stale timer interrupt from before the kernel */

  /* Console input: UART receive interrupt -> PLIC source 10 -> S-mode external interrupt. */
  arch_irq_enable(VIRT_UART0_IRQ);
  mmio_write32(PLIC_S_THRESHOLD, 0);
  mmio_write8(VIRT_UART0_BASE + UART_IER, UART_IER_RDI);
  csr_write(sie, SIP_STIP | SIP_SEIP);
}

__attribute__((noreturn)) void arch_shutdown(int failure) {
  SBI_CALL2(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
            failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
  for (;;) wfi(); /* SRST does not return on success */
}

/* Kernel memory is identity-mapped, so a kernel virtual address is the physical address the
 * SBI debug console wants. */
void arch_console_write(const char *buf, size_t len) {
  while (len > 0) {
    size_t done = 1;
    if (have_dbcn) {
      struct sbiret r = SBI_CALL3(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, len, (uintptr_t)buf, 0);
      if (r.error != SBI_SUCCESS) return;
      done = (size_t)r.value;
    } else {
      sbi_legacy_ecall(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, (uint8_t)*buf, 0);
    }
    buf += done;
    len -= done;
  }
}

void arch_irq_enable(uint32_t irq) {
  mmio_write32(PLIC_PRIORITY(irq), 1);
  mmio_write32(PLIC_S_ENABLE, mmio_read32(PLIC_S_ENABLE) | (1u << irq));
}

int arch_irq_acked(void) { return 0; }

void arch_console_rx_enable(int on) {
  mmio_write8(VIRT_UART0_BASE + UART_IER, on ? UART_IER_RDI : 0);
}

/* Drain the UART into the kernel's input buffer. If the buffer fills, stop taking receive
 * interrupts (the bytes stay in the UART, which back-pressures the host side) until the kernel
 * consumes input and re-enables them; otherwise the level-triggered PLIC would fire forever. */
void arch_external_interrupt(void) {
  uint32_t irq = mmio_read32(PLIC_S_CLAIM);
  if (irq == VIRT_UART0_IRQ) {
    while (mmio_read8(VIRT_UART0_BASE + UART_LSR) & UART_LSR_DR) {
      if (kernel_console_rx_room() == 0) {
        arch_console_rx_enable(0);
        break;
      }
      kernel_console_rx(mmio_read8(VIRT_UART0_BASE + UART_RBR));
    }
  } else if (irq) {
    kernel_device_interrupt(irq);
  }
  if (irq) mmio_write32(PLIC_S_CLAIM, irq); /* complete */
}

uint64_t arch_time(void) { return csr_read_time64(); }

void arch_set_timer(uint64_t deadline) {
  SBI_CALL2(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)deadline, (uint32_t)(deadline >> 32));
}

void arch_idle(void) {
  /* wfi wakes on a pending+enabled (sie) interrupt even with SIE = 0, so there is no window
   * in which a wakeup is lost; the interrupt is then taken at the csrs and handled by
   * arch_kernel_trap before we mask again. */
  __asm__ volatile("wfi\n\tcsrs sstatus, %0\n\tcsrc sstatus, %0" ::"r"(SSTATUS_SIE) : "memory");
}

void arch_kernel_map(pte_t entries[1024], uint32_t ram_base, uint32_t ram_end) {
  const pte_t kflags = PTE_V | PTE_R | PTE_W | PTE_G | PTE_A | PTE_D;
  for (uint32_t pa = ram_base & ~(MEGAPAGE_SIZE - 1); pa < ram_end && pa >= ram_base; pa += MEGAPAGE_SIZE)
    entries[VPN1(pa)] = PTE_FROM_PA(pa) | kflags | PTE_X;
  entries[VPN1(VIRT_PLIC_BASE)] = PTE_FROM_PA(VIRT_PLIC_BASE & ~(MEGAPAGE_SIZE - 1)) | kflags;
  entries[VPN1(VIRT_UART0_BASE)] = PTE_FROM_PA(VIRT_UART0_BASE & ~(MEGAPAGE_SIZE - 1)) | kflags;
}

uint32_t arch_memory_end(uint32_t ram_end) { return ram_end; }

void arch_pgtable_new(void *table, int root) {
  (void)table;
  (void)root;
}

void arch_pgtable_free(void *table, int root) {
  (void)table;
  (void)root;
}

void arch_set_pte(pte_t *ptep, pte_t value) { *(volatile pte_t *)ptep = value; }

void arch_set_leaf(pte_t *ptep, pte_t value, uint32_t va, int flush) {
  *(volatile pte_t *)ptep = value;
  if (flush) arch_flush_tlb_page(va);
}

void arch_mmu_lazy(int on) { (void)on; }

void arch_flush_tlb_page(uint32_t va) {
  __asm__ volatile("sfence.vma %0, zero" ::"r"(va) : "memory");
}

void arch_activate_pgdir(uint32_t root_pa) {
  /* No ASIDs: every switch flushes the whole TLB (global kernel entries included, which is
   * harmless). The fence orders earlier page-table stores before the new translations. */
  csr_write(satp, SATP_MODE_SV32 | (root_pa >> 12));
  __asm__ volatile("sfence.vma zero, zero" ::: "memory");
}

