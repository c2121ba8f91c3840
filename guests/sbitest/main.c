/* SBI self-test: an S-mode payload that exercises every call of the Trapeze firmware and the
 * machine setup it promises (delegation, counters, PMP), printing one line per check, "ok ..."
 * or "FAIL ...", then a summary, then shutting down through SRST (reason "system failure" if
 * any check failed). Output is deterministic: no timing-dependent values are printed. */
#include <stdarg.h>

#include "../common/fmt.h"
#include "../common/regs.h"
#include "../common/riscv.h"
#include "../common/sbi.h"
#include "../common/uart.h"

#define FW_BASE 0x80000000u
#define FW_END 0x80200000u

void ecall_regs(unsigned long eid, unsigned long fid, unsigned long arg0, unsigned long out[32]);

static int checks, failures;

/* ---- output: lines formatted into a buffer and written with DBCN console_write -------- */

/* One DBCN console_write per line. S runs with translation off: the buffer's address (on the
 * stack, in payload RAM) is its physical address. */
static void dbcn_write(void *ctx, const char *buf, size_t len) {
  (void)ctx;
  sbi_debug_console_write(len, (unsigned long)buf, 0);
}

static void print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void print(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fmt_vwrite(dbcn_write, 0, fmt, ap);
  va_end(ap);
}

static void check(int pass, const char *what, long got, long expected) {
  checks++;
  if (pass) {
    print("ok %s\n", what);
  } else {
    failures++;
    print("FAIL %s: got %d (0x%x), expected %d (0x%x)\n", what, (int)got, (unsigned)got,
          (int)expected, (unsigned)expected);
  }
}

static void expect(const char *what, long got, long expected) { check(got == expected, what, got, expected); }

/* An sbiret with the given error and, on success, the given value. */
static void expect_ret(const char *what, struct sbiret r, long error, long value) {
  if (r.error != error) check(0, what, r.error, error);
  else if (error == SBI_SUCCESS) check(r.value == value, what, r.value, value);
  else check(1, what, 0, 0);
}

/* ---- S-mode traps -------------------------------------------------------------------- */

struct frame {
  unsigned long x[32];
};

static volatile unsigned stip_count, ssip_count, stip_seen_pending;
static volatile unsigned long fault_cause, fault_tval;

void s_trap(struct frame *f) {
  unsigned long cause = csr_read(scause);
  if (cause == (CAUSE_INTERRUPT | IRQ_S_TIMER)) {
    stip_count++;
    if (csr_read(sip) & SIP_STIP) stip_seen_pending++;
    sbi_set_timer(~0ull); /* clears STIP: the way an S kernel acknowledges the timer */
    return;
  }
  if (cause == (CAUSE_INTERRUPT | IRQ_S_SOFT)) {
    ssip_count++;
    csr_clear(sip, SIP_SSIP);
    return;
  }
  if (cause == CAUSE_LOAD_ACCESS || cause == CAUSE_STORE_ACCESS) {
    fault_cause = cause;
    fault_tval = csr_read(stval);
    /* Skip the faulting instruction: 16-bit if its low two bits are not 11. */
    unsigned long pc = csr_read(sepc);
    unsigned short low = *(volatile unsigned short *)pc;
    csr_write(sepc, pc + ((low & 3) == 3 ? 4 : 2));
    return;
  }
  if (cause == CAUSE_FETCH_ACCESS) {
    /* A call to a forbidden address: resume at the return address, as if it returned. */
    fault_cause = cause;
    fault_tval = csr_read(stval);
    csr_write(sepc, f->x[REG_RA]);
    return;
  }
  print("FAIL unexpected S trap: scause=0x%08x sepc=0x%08x stval=0x%08x\n", (unsigned)cause,
        (unsigned)csr_read(sepc), (unsigned)csr_read(stval));
  sbi_system_reset(SBI_SRST_TYPE_SHUTDOWN, SBI_SRST_REASON_FAILURE);
}

/* Waits (WFI) until the timer interrupt count moves past `before`, for at most ~1 s of
 * virtual time so a broken timer fails the check instead of hanging. */
static void wait_for_stip(unsigned before) {
  uint64_t limit = csr_read_time64() + VIRT_TIMEBASE_HZ;
  while (stip_count == before && csr_read_time64() < limit) wfi();
}

/* ---- checks ------------------------------------------------------------------------- */

static void test_base(void) {
  expect_ret("base get_spec_version = 2.0", sbi_get_spec_version(), 0, SBI_SPEC_VERSION(2, 0));
  expect_ret("base get_impl_id = 0x54 (Trapeze)", sbi_get_impl_id(), 0, SBI_IMPL_ID_TRAPEZE);
  expect_ret("base get_impl_version = 0.1", sbi_get_impl_version(), 0, 1);
  static const struct {
    long eid;
    const char *name;
  } exts[] = {
      {SBI_EXT_LEGACY_SET_TIMER, "legacy set_timer"},
      {SBI_EXT_LEGACY_CONSOLE_PUTCHAR, "legacy console_putchar"},
      {SBI_EXT_LEGACY_CONSOLE_GETCHAR, "legacy console_getchar"},
      {SBI_EXT_LEGACY_SHUTDOWN, "legacy shutdown"},
      {SBI_EXT_BASE, "BASE"},
      {SBI_EXT_TIME, "TIME"},
      {SBI_EXT_IPI, "IPI"},
      {SBI_EXT_RFENCE, "RFENCE"},
      {SBI_EXT_HSM, "HSM"},
      {SBI_EXT_SRST, "SRST"},
      {SBI_EXT_DBCN, "DBCN"},
  };
  char what[64];
  for (unsigned i = 0; i < sizeof exts / sizeof exts[0]; i++) {
    fmt_snprint(what, sizeof what, "base probe_extension %s = 1", exts[i].name);
    expect_ret(what, sbi_probe_extension(exts[i].eid), 0, 1);
  }
  expect_ret("base probe_extension legacy send_ipi (0x04) = 0", sbi_probe_extension(0x04), 0, 0);
  expect_ret("base probe_extension PMU = 0", sbi_probe_extension(0x504D55), 0, 0);
  expect_ret("base probe_extension 0x12345678 = 0", sbi_probe_extension(0x12345678), 0, 0);
  /* The values are the machine's (QEMU and Trapeze differ), so only success is checked. */
  expect("base get_mvendorid succeeds", sbi_get_mvendorid().error, 0);
  expect("base get_marchid succeeds", sbi_get_marchid().error, 0);
  expect("base get_mimpid succeeds", sbi_get_mimpid().error, 0);
  expect_ret("base unknown function 7 -> NOT_SUPPORTED", SBI_CALL0(SBI_EXT_BASE, 7), SBI_ERR_NOT_SUPPORTED, 0);
}

static void test_unknown(void) {
  expect_ret("unknown extension 0x12345678 -> NOT_SUPPORTED", SBI_CALL0(0x12345678, 0), SBI_ERR_NOT_SUPPORTED, 0);
  expect_ret("unknown extension PMU -> NOT_SUPPORTED", SBI_CALL0(0x504D55, 0), SBI_ERR_NOT_SUPPORTED, 0);
  expect("legacy clear_ipi (0x03, not implemented) -> NOT_SUPPORTED",
         sbi_legacy_ecall(SBI_EXT_LEGACY_CLEAR_IPI, 0, 0), SBI_ERR_NOT_SUPPORTED);
  expect_ret("TIME unknown function 1 -> NOT_SUPPORTED", SBI_CALL0(SBI_EXT_TIME, 1), SBI_ERR_NOT_SUPPORTED, 0);
}

/* Only a0 (and a1 for v0.2+ calls) may change across an SBI call. */
static void regs_check(const char *what, unsigned long eid, unsigned long fid, unsigned long arg0, int legacy) {
  unsigned long out[32];
  ecall_regs(eid, fid, arg0, out);
  int bad = -1;
  for (int i = 1; i < 32 && bad < 0; i++) {
    unsigned long want = 0x5a000000ul + (unsigned long)i;
    if (i == 2) want = out[0];
    else if (i == 10 || (i == 11 && !legacy)) continue;
    else if (i == 16) want = fid;
    else if (i == 17) want = eid;
    if (out[i] != want) bad = i;
  }
  check(bad < 0, what, bad, -1);
}

static void test_registers(void) {
  regs_check("registers preserved by base get_spec_version", SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION, 0, 0);
  regs_check("registers preserved by TIME set_timer", SBI_EXT_TIME, SBI_TIME_SET_TIMER, ~0ul, 0);
  regs_check("registers preserved by DBCN console_read", SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, 0, 0);
  regs_check("registers preserved by an unknown extension", 0x12345678, 0, 0, 0);
  regs_check("registers (a1 too) preserved by legacy console_getchar", SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0, 1);
  sbi_set_timer(~0ull); /* the set_timer above left a1 = marker as the high half */
}

static void test_counters(void) {
  /* mcounteren = 7: these would be illegal-instruction traps otherwise (reported as FAIL by
   * s_trap). */
  unsigned long c = csr_read(cycle), t = csr_read(time), i = csr_read(instret);
  (void)c, (void)t, (void)i;
  check(1, "S reads cycle, time and instret", 0, 0);
}

static void test_timer(void) {
  csr_set(sie, SIE_STIE);
  csr_set(sstatus, SSTATUS_SIE);

  unsigned before = stip_count;
  expect_ret("TIME set_timer(now + 1000)", sbi_set_timer(csr_read_time64() + 1000), 0, 0);
  wait_for_stip(before);
  expect("TIME timer interrupt taken in S-mode (scause 0x80000005)", stip_count - before, 1);
  expect("TIME sip.STIP pending in the handler", stip_seen_pending, stip_count);
  expect("TIME set_timer cleared sip.STIP", csr_read(sip) & SIP_STIP, 0);

  before = stip_count;
  sbi_set_timer(0); /* in the past: pending as soon as the call returns */
  __asm__ volatile("nop; nop" ::: "memory");
  expect("TIME set_timer(past) interrupts at once", stip_count - before, 1);

  before = stip_count;
  expect("legacy set_timer(now + 1000) returns 0", sbi_legacy_set_timer(csr_read_time64() + 1000), 0);
  wait_for_stip(before);
  expect("legacy set_timer interrupt taken in S-mode", stip_count - before, 1);

  /* HSM default retentive suspend: with sstatus.SIE off, WFI in the firmware returns when the
   * timer fires; the interrupt is then pending in sip but not taken. */
  csr_clear(sstatus, SSTATUS_SIE);
  before = stip_count;
  sbi_set_timer(csr_read_time64() + 1000);
  expect_ret("HSM hart_suspend(default retentive) returns after the timer", sbi_hart_suspend(SBI_HSM_SUSPEND_RET_DEFAULT, 0, 0), 0, 0);
  expect("HSM suspend woke with sip.STIP pending", (csr_read(sip) & SIP_STIP) != 0, 1);
  sbi_set_timer(~0ull);
  expect("HSM no S interrupt taken with sstatus.SIE = 0", stip_count - before, 0);
  csr_clear(sie, SIE_STIE);
}

static void test_ipi(void) {
  csr_set(sie, SIE_SSIE);
  csr_set(sstatus, SSTATUS_SIE);
  unsigned before = ssip_count;
  expect_ret("IPI send_ipi(mask 1, base 0)", sbi_send_ipi(1, 0), 0, 0);
  expect("IPI software interrupt taken in S-mode (scause 0x80000001)", ssip_count - before, 1);
  before = ssip_count;
  expect_ret("IPI send_ipi(base -1: all harts)", sbi_send_ipi(0, -1ul), 0, 0);
  expect("IPI all harts interrupts hart 0", ssip_count - before, 1);
  before = ssip_count;
  expect_ret("IPI send_ipi(empty mask)", sbi_send_ipi(0, 0), 0, 0);
  expect("IPI empty mask interrupts nobody", ssip_count - before, 0);
  expect_ret("IPI send_ipi(hart 1) -> INVALID_PARAM", sbi_send_ipi(2, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("IPI send_ipi(base 1) -> INVALID_PARAM", sbi_send_ipi(1, 1), SBI_ERR_INVALID_PARAM, 0);
  expect("IPI no interrupt from invalid masks", ssip_count - before, 0);
  csr_clear(sstatus, SSTATUS_SIE);
  csr_clear(sie, SIE_SSIE);
}

static void test_rfence(void) {
  expect_ret("RFENCE remote_fence_i", sbi_remote_fence_i(1, 0), 0, 0);
  expect_ret("RFENCE remote_fence_i(all harts)", sbi_remote_fence_i(0, -1ul), 0, 0);
  expect_ret("RFENCE remote_sfence_vma(whole space)", sbi_remote_sfence_vma(1, 0, 0, 0), 0, 0);
  expect_ret("RFENCE remote_sfence_vma(2 pages)", sbi_remote_sfence_vma(1, 0, 0x40001000, 0x2000), 0, 0);
  expect_ret("RFENCE remote_sfence_vma(size -1)", sbi_remote_sfence_vma(1, 0, 0x1000, -1ul), 0, 0);
  expect_ret("RFENCE remote_sfence_vma(wrapping range) -> INVALID_ADDRESS",
             sbi_remote_sfence_vma(1, 0, 0xfffff000, 0x2000), SBI_ERR_INVALID_ADDRESS, 0);
  expect_ret("RFENCE remote_sfence_vma_asid", sbi_remote_sfence_vma_asid(1, 0, 0, 0, 1), 0, 0);
  expect_ret("RFENCE remote_sfence_vma_asid(1 page)", sbi_remote_sfence_vma_asid(1, 0, 0x40000000, 0x1000, 1), 0, 0);
  expect_ret("RFENCE remote_fence_i(hart 1) -> INVALID_PARAM", sbi_remote_fence_i(2, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("RFENCE hfence_gvma (no H) -> NOT_SUPPORTED",
             SBI_CALL4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_HFENCE_GVMA, 1, 0, 0, 0), SBI_ERR_NOT_SUPPORTED, 0);
}

static void test_hsm(void) {
  expect_ret("HSM hart_get_status(0) = STARTED", sbi_hart_get_status(0), 0, SBI_HSM_STATE_STARTED);
  expect_ret("HSM hart_get_status(1) -> INVALID_PARAM", sbi_hart_get_status(1), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("HSM hart_start(0) -> ALREADY_AVAILABLE", sbi_hart_start(0, FW_END, 0), SBI_ERR_ALREADY_AVAILABLE, 0);
  expect_ret("HSM hart_start(1) -> INVALID_PARAM", sbi_hart_start(1, FW_END, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("HSM hart_stop -> NOT_SUPPORTED", sbi_hart_stop(), SBI_ERR_NOT_SUPPORTED, 0);
  expect_ret("HSM hart_suspend(reserved type 1) -> INVALID_PARAM", sbi_hart_suspend(1, 0, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("HSM hart_suspend(default non-retentive) -> NOT_SUPPORTED",
             sbi_hart_suspend(SBI_HSM_SUSPEND_NONRET_DEFAULT, FW_END, 0), SBI_ERR_NOT_SUPPORTED, 0);
}

static const char dbcn_line[] = "ok DBCN console_write (this line)\n";

static void test_dbcn(void) {
  checks++;
  struct sbiret r = sbi_debug_console_write(sizeof dbcn_line - 1, (unsigned long)dbcn_line, 0);
  if (r.error != 0 || r.value != (long)sizeof dbcn_line - 1) {
    failures++;
    print("FAIL DBCN console_write: error %d value %d\n", (int)r.error, (int)r.value);
  }
  static const char wb[] = "ok DBCN console_write_byte (this line)\n";
  long errors = 0;
  for (const char *p = wb; *p; p++) errors |= sbi_debug_console_write_byte((uint8_t)*p).error;
  expect("DBCN console_write_byte returns 0", errors, 0);
  expect_ret("DBCN console_write(0 bytes)", sbi_debug_console_write(0, (unsigned long)dbcn_line, 0), 0, 0);

  static char buf[16];
  expect_ret("DBCN console_read(no input) = 0 bytes", sbi_debug_console_read(sizeof buf, (unsigned long)buf, 0), 0, 0);
  expect_ret("DBCN console_write(base_addr_hi 1) -> INVALID_PARAM",
             sbi_debug_console_write(4, (unsigned long)dbcn_line, 1), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("DBCN console_write(firmware region) -> INVALID_PARAM",
             sbi_debug_console_write(4, FW_BASE, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("DBCN console_write(range ending in payload but starting in firmware) -> INVALID_PARAM",
             sbi_debug_console_write(32, FW_END - 16, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("DBCN console_write(beyond RAM) -> INVALID_PARAM",
             sbi_debug_console_write(32, 0xfffffff0, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("DBCN console_write(device address) -> INVALID_PARAM",
             sbi_debug_console_write(1, VIRT_UART0_BASE, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("DBCN console_read(firmware region) -> INVALID_PARAM",
             sbi_debug_console_read(4, FW_BASE + 0x1000, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("DBCN unknown function 3 -> NOT_SUPPORTED", SBI_CALL0(SBI_EXT_DBCN, 3), SBI_ERR_NOT_SUPPORTED, 0);
}

static void test_legacy_console(void) {
  static const char s[] = "ok legacy console_putchar (this line)\n";
  long errors = 0;
  for (const char *p = s; *p; p++) errors |= sbi_legacy_console_putchar(*p);
  expect("legacy console_putchar returns 0", errors, 0);
  expect("legacy console_getchar(no input) = -1", sbi_legacy_console_getchar(), -1);
}

/* ---- PMP and devices: what S-mode may and may not touch ----------------------------- */

/* The trap cause of a 32-bit load from addr, 0 if none. */
static unsigned long load_fault(unsigned long addr) {
  fault_cause = 0;
  (void)*(volatile uint32_t *)addr;
  return fault_cause;
}

/* The same for an 8-bit load (byte-wide device registers). */
static unsigned long load8_fault(unsigned long addr) {
  fault_cause = 0;
  (void)*(volatile uint8_t *)addr;
  return fault_cause;
}

static void test_pmp(void) {
  expect("PMP S load of firmware 0x80000000 -> load access fault", load_fault(FW_BASE), CAUSE_LOAD_ACCESS);
  expect("PMP fault delivered to S with stval = address", fault_tval, FW_BASE);
  expect("PMP S load of firmware 0x801ffffc -> load access fault", load_fault(FW_END - 4), CAUSE_LOAD_ACCESS);
  fault_cause = 0;
  *(volatile uint32_t *)(FW_BASE + 0x1000) = 0;
  expect("PMP S store to firmware -> store access fault", fault_cause, CAUSE_STORE_ACCESS);
  fault_cause = 0;
  ((void (*)(void))FW_BASE)();
  expect("PMP S fetch from firmware -> instruction access fault", fault_cause, CAUSE_FETCH_ACCESS);
  expect("PMP fetch fault stval = address", fault_tval, FW_BASE);

  expect("PMP S loads payload RAM 0x80200000", load_fault(FW_END), 0);
  /* 64 MiB into RAM: inside the default 128 MiB, away from the device tree at the top. */
  volatile uint32_t *ram = (volatile uint32_t *)0x84000000;
  fault_cause = 0;
  *ram = 0x12345678;
  expect("PMP S stores and loads RAM 0x84000000", fault_cause == 0 && *ram == 0x12345678, 1);
  expect("PMP S reaches UART (LSR.THRE)", load8_fault(VIRT_UART0_BASE + UART_LSR) == 0 &&
         (mmio_read8(VIRT_UART0_BASE + UART_LSR) & UART_LSR_THRE) != 0, 1);
  expect("PMP S reaches CLINT mtime", load_fault(CLINT_MTIME), 0);
  expect("PMP S reaches PLIC", load_fault(VIRT_PLIC_BASE + 4 * VIRT_UART0_IRQ), 0);
  expect("PMP S reaches the RTC", load_fault(VIRT_RTC_BASE), 0);
  expect("PMP S reaches the test finisher (read)", load_fault(VIRT_TEST_BASE), 0);
}

int main(unsigned long hartid, unsigned long dtb) {
  print("sbitest: S-mode at 0x%08x, hart %u, device tree %s\n", FW_END, (unsigned)hartid,
        dtb ? "present" : "missing");
  expect("entry a0 = hartid 0", hartid, 0);
  expect("entry device tree magic (a1)", dtb && *(volatile uint32_t *)dtb == 0xedfe0dd0u, 1);
  test_base();
  test_unknown();
  test_registers();
  test_counters();
  test_timer();
  test_ipi();
  test_rfence();
  test_hsm();
  test_dbcn();
  test_legacy_console();
  test_pmp();

  expect_ret("SRST reserved type 3 -> INVALID_PARAM", sbi_system_reset(3, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("SRST vendor type 0xf0000000 -> INVALID_PARAM", sbi_system_reset(0xf0000000u, 0), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("SRST reserved reason 2 -> INVALID_PARAM", sbi_system_reset(0, 2), SBI_ERR_INVALID_PARAM, 0);
  expect_ret("SRST unknown function 1 -> NOT_SUPPORTED", SBI_CALL0(SBI_EXT_SRST, 1), SBI_ERR_NOT_SUPPORTED, 0);

  print("sbitest: %d checks, %d failed\n", checks, failures);
  sbi_system_reset(SBI_SRST_TYPE_SHUTDOWN, failures ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
  print("FAIL SRST shutdown returned\n");
  return 1;
}
