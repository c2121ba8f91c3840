/* M-mode firmware: machine setup, the trap handler and diagnostics. The SBI calls themselves
 * are in sbi.c. See README.md for the boot protocol this implements. */
#include <stdarg.h>

#include "../common/fdt.h"
#include "../common/fmt.h"
#include "../common/riscv.h"
#include "../common/uart.h"
#include "fw.h"

uint64_t fw_ram_end;

void fw_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fmt_vprint(uart_fmt_putc, 0, fmt, ap);
  va_end(ap);
}

/* Writes the test finisher, which stops (or resets) the machine. If the write somehow does
 * not take effect, wait with every interrupt source masked rather than run on. */
void fw_finish(uint32_t finisher_value) {
  mmio_write32(VIRT_TEST_BASE, finisher_value);
  csr_write(mie, 0);
  for (;;) wfi();
}

/* 8N1, no UART interrupts (the OS enables what it needs), DTR/RTS up. The FIFOs stay off, as
 * after reset: turning them on empties the receive FIFO, which would drop input the host had
 * already delivered (QEMU does deliver early); with them off the host's input waits, one byte
 * at a time, in QEMU's character device or Trapeze's backend queue. The divisor gives 115200
 * baud from the clock the device tree declares; QEMU ignores it. */
static void uart_init(void) {
  const uint32_t divisor = UART_CLOCK_HZ / (16 * 115200);
  mmio_write8(VIRT_UART0_BASE + UART_IER, 0);
  mmio_write8(VIRT_UART0_BASE + UART_LCR, UART_LCR_DLAB);
  mmio_write8(VIRT_UART0_BASE + UART_DLL, divisor & 0xff);
  mmio_write8(VIRT_UART0_BASE + UART_DLM, divisor >> 8);
  mmio_write8(VIRT_UART0_BASE + UART_LCR, UART_LCR_8N1);
  mmio_write8(VIRT_UART0_BASE + UART_MCR, UART_MCR_DTR | UART_MCR_RTS);
}

/* PMP (privileged spec 3.7). Entries are checked in order and the lowest-numbered match wins:
 *   0: NAPOT 0x80000000, 2 MiB, no permissions, not locked: S and U get an access fault on any
 *      read, write or fetch of the firmware; M is unaffected (L = 0).
 *   1: NAPOT with pmpaddr all ones, the whole 34-bit physical space, RWX: S and U reach all RAM
 *      and every device.
 * Without entry 1 S/U could access nothing, since a PMP with any entry configured denies S/U
 * accesses that match no entry. */
static void pmp_init(void) {
  csr_write(pmpaddr0, (FW_BASE >> 2) | ((FW_SIZE >> 3) - 1));
  csr_write(pmpaddr1, 0xffffffffu);
  csr_write(pmpcfg1, 0);
  csr_write(pmpcfg2, 0);
  csr_write(pmpcfg3, 0);
  csr_write(pmpcfg0, ((PMP_NAPOT | PMP_R | PMP_W | PMP_X) << 8) | PMP_NAPOT);
  /* The spec asks for an SFENCE.VMA after PMP changes, since implementations may cache PMP
   * results in address-translation structures. */
  sfence_vma_all();
}

/* Synchronous exceptions S-mode handles itself: instruction misaligned, instruction access
 * fault, illegal instruction, breakpoint, load and store access faults, ECALL from U, and the
 * three page faults. ECALL from S stays here (it is the SBI); misaligned loads/stores (which
 * QEMU performs in hardware except for AMOs) stay here too and are reported as fatal. */
#define MEDELEG_BITS                                                                      \
  ((1u << CAUSE_MISALIGNED_FETCH) | (1u << CAUSE_FETCH_ACCESS) |                          \
   (1u << CAUSE_ILLEGAL_INSTRUCTION) | (1u << CAUSE_BREAKPOINT) | (1u << CAUSE_LOAD_ACCESS) | \
   (1u << CAUSE_STORE_ACCESS) | (1u << CAUSE_USER_ECALL) | (1u << CAUSE_FETCH_PAGE_FAULT) |  \
   (1u << CAUSE_LOAD_PAGE_FAULT) | (1u << CAUSE_STORE_PAGE_FAULT))
/* Supervisor software, timer and external interrupts go straight to S-mode. */
#define MIDELEG_BITS (MIP_SSIP | MIP_STIP | MIP_SEIP)

void fw_main(unsigned long hartid, unsigned long dtb) {
  uart_init();

  struct fdt_info dt;
  fdt_read(dtb, VIRT_RAM_BASE, &dt); /* all zero if the tree is missing or malformed */
  fw_ram_end = dt.ram_end > FW_END ? dt.ram_end : (uint64_t)VIRT_RAM_BASE + FW_DEFAULT_RAM_SIZE;
  /* Tell the kernel the firmware's 2 MiB are not its to use (as OpenSBI does). The tree may
   * grow into the RAM after it: up to 1 MiB, which QEMU keeps free for it, or the end of RAM. */
  int reserved = -1;
  if (dtb >= FW_END && dtb < fw_ram_end) {
    uint64_t room = fw_ram_end - dtb;
    reserved = fw_reserve_in_fdt(dtb, FW_BASE, FW_SIZE, room > 0x100000 ? 0x100000u : (uint32_t)room);
  }

  /* mtimecmp is 0 at reset, so MTIP is pending until someone programs it: push it to "never"
   * (high word first so no intermediate value lies in the past). */
  mmio_write32(CLINT_MTIMECMP + 4, 0xffffffffu);
  mmio_write32(CLINT_MTIMECMP, 0xffffffffu);
  csr_clear(mip, MIP_SSIP | MIP_STIP);

  pmp_init();
  csr_write(medeleg, MEDELEG_BITS);
  csr_write(mideleg, MIDELEG_BITS);
  csr_write(mcounteren, 7); /* S may read cycle, time and instret */
  /* No Sstc (STCE = 0: S uses sbi_set_timer), no Svpbmt, FIOM off; QEMU has Sstc, Trapeze
   * does not, so say it explicitly rather than rely on reset values. */
  csr_write(menvcfg, 0);
  csr_write(menvcfgh, 0);
  csr_write(mie, 0);        /* S enables its own sources through sie; set_timer enables MTIE */

  fw_printf("Trapeze SBI %d.%d: SBI 2.0, hart %u, RAM 0x%08x-0x%08x, payload 0x%08x\n",
            FW_VERSION_MAJOR, FW_VERSION_MINOR, (unsigned)hartid, VIRT_RAM_BASE,
            (unsigned)(fw_ram_end - 1), (unsigned)(uintptr_t)_payload_start);
  if (reserved != 0)
    fw_printf("Trapeze SBI: warning: no reserved-memory node added to the device tree at 0x%08x\n",
              (unsigned)dtb);
  enter_supervisor(hartid, dtb);
}

static const char *const mode_names[4] = {"U", "S", "?", "M"};

static void __attribute__((noreturn)) trap_panic(const char *what, unsigned mode) {
  fw_printf("Trapeze SBI: %s from %s-mode: mcause=0x%08x mepc=0x%08x mtval=0x%08x\n", what,
            mode_names[mode & 3], (unsigned)csr_read(mcause), (unsigned)csr_read(mepc),
            (unsigned)csr_read(mtval));
  fw_finish(FINISHER_FAIL(FW_EXIT_PANIC));
}

/* Trap from S or U (entry.S saved the registers in f). */
void trap_handler(struct trap_frame *f) {
  unsigned long cause = csr_read(mcause);
  if (cause & CAUSE_INTERRUPT) {
    if ((cause & ~CAUSE_INTERRUPT) == IRQ_M_TIMER) {
      /* The S timer deadline passed: hand the interrupt to S as STIP (which S clears with the
       * next set_timer) and mask MTIP, which stays pending until mtimecmp is rewritten. */
      csr_set(mip, MIP_STIP);
      csr_clear(mie, MIE_MTIE);
      return;
    }
    trap_panic("unexpected interrupt", (unsigned)(csr_read(mstatus) >> 11));
  }
  if (cause == CAUSE_SUPERVISOR_ECALL) {
    sbi_handle_ecall(f);
    csr_write(mepc, csr_read(mepc) + 4);
    return;
  }
  trap_panic("unexpected trap", (unsigned)(csr_read(mstatus) >> 11));
}

/* Trap taken while in M-mode (entry.S, on the panic stack). */
void __attribute__((noreturn)) m_mode_trap(void) { trap_panic("unexpected trap", 3); }
