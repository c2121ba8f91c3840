/* The SBI 2.0 implementation for one hart (hart 0). Each handler returns the sbiret pair;
 * sbi_handle_ecall puts it in a0/a1. Register conventions and error codes: common/sbi.h. */
#include "../common/riscv.h"
#include "../common/uart.h"
#include "fw.h"

static const struct sbiret not_supported = {SBI_ERR_NOT_SUPPORTED, 0};

static struct sbiret ok(long value) {
  struct sbiret r = {SBI_SUCCESS, value};
  return r;
}

static struct sbiret err(long error) {
  struct sbiret r = {error, 0};
  return r;
}

/* ---- shared helpers ------------------------------------------------------------------- */

/* Hart masks (SBI "hart list parameter"): hart_mask_base = -1 selects every hart; otherwise
 * bit i of hart_mask names hart hart_mask_base + i. Hart 0 is the only hart, so any other base
 * or bit is invalid. Returns 1 if hart 0 is targeted, 0 if no hart is, -1 if invalid. */
static int hart_mask_targets(unsigned long mask, unsigned long base) {
  if (base == (unsigned long)-1) return 1;
  if (base != 0 || (mask & ~1ul)) return -1;
  return (int)(mask & 1);
}

/* Programs the S timer (the OpenSBI scheme): mtimecmp = stime, STIP cleared, MTIE enabled;
 * the M timer interrupt then raises STIP (main.c). mtimecmp is written high word first as all
 * ones, so the 64-bit compare never sees a half-written value in the past. */
static void set_timer(uint64_t stime) {
  mmio_write32(CLINT_MTIMECMP + 4, 0xffffffffu);
  mmio_write32(CLINT_MTIMECMP, (uint32_t)stime);
  mmio_write32(CLINT_MTIMECMP + 4, (uint32_t)(stime >> 32));
  csr_clear(mip, MIP_STIP);
  csr_set(mie, MIE_MTIE);
}

/* A physical range S-mode may hand us: below 4 GiB (base_hi = 0), inside RAM and outside the
 * firmware's PMP-protected region, i.e. within [FW_END, fw_ram_end). */
static int s_ram_range_ok(unsigned long num_bytes, unsigned long base_lo, unsigned long base_hi) {
  if (base_hi != 0) return 0;
  uint64_t start = base_lo, end = start + num_bytes;
  return start >= FW_END && end <= fw_ram_end;
}

/* ---- Base ---------------------------------------------------------------------------- */

static int extension_available(unsigned long eid) {
  switch (eid) {
  case SBI_EXT_LEGACY_SET_TIMER:
  case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
  case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
  case SBI_EXT_LEGACY_SHUTDOWN:
  case SBI_EXT_BASE:
  case SBI_EXT_TIME:
  case SBI_EXT_IPI:
  case SBI_EXT_RFENCE:
  case SBI_EXT_HSM:
  case SBI_EXT_SRST:
  case SBI_EXT_DBCN:
    return 1;
  default:
    return 0;
  }
}

static struct sbiret base(unsigned long fid, unsigned long a0) {
  switch (fid) {
  case SBI_BASE_GET_SPEC_VERSION:
    return ok(SBI_SPEC_VERSION(2, 0));
  case SBI_BASE_GET_IMPL_ID:
    return ok(SBI_IMPL_ID_TRAPEZE);
  case SBI_BASE_GET_IMPL_VERSION:
    return ok((FW_VERSION_MAJOR << 16) | FW_VERSION_MINOR);
  case SBI_BASE_PROBE_EXTENSION:
    return ok(extension_available(a0));
  case SBI_BASE_GET_MVENDORID:
    return ok((long)csr_read(mvendorid));
  case SBI_BASE_GET_MARCHID:
    return ok((long)csr_read(marchid));
  case SBI_BASE_GET_MIMPID:
    return ok((long)csr_read(mimpid));
  default:
    return not_supported;
  }
}

/* ---- TIME, IPI, RFENCE --------------------------------------------------------------- */

static struct sbiret time_ext(unsigned long fid, unsigned long lo, unsigned long hi) {
  if (fid != SBI_TIME_SET_TIMER) return not_supported;
  set_timer(((uint64_t)hi << 32) | lo);
  return ok(0);
}

static struct sbiret ipi(unsigned long fid, unsigned long mask, unsigned long mask_base) {
  if (fid != SBI_IPI_SEND_IPI) return not_supported;
  int t = hart_mask_targets(mask, mask_base);
  if (t < 0) return err(SBI_ERR_INVALID_PARAM);
  /* An IPI to S-mode is a supervisor software interrupt; M-mode may set mip.SSIP directly. */
  if (t) csr_set(mip, MIP_SSIP);
  return ok(0);
}

/* Above this many pages a ranged fence flushes everything, one instruction instead of many. */
#define SFENCE_PAGE_LIMIT 64

/* SFENCE.VMA over [start, start + size), for one ASID or all (asid < 0). A range of 0/0 or a
 * size of 2^XLEN - 1 means the whole address space. */
static struct sbiret sfence_range(unsigned long start, unsigned long size, long asid) {
  int all = (start == 0 && size == 0) || size == (unsigned long)-1;
  if (!all && start + size < start) return err(SBI_ERR_INVALID_ADDRESS); /* wraps around */
  if (all || size > SFENCE_PAGE_LIMIT * 4096ul) {
    if (asid < 0) __asm__ volatile("sfence.vma" ::: "memory");
    else __asm__ volatile("sfence.vma zero, %0" ::"r"(asid) : "memory");
    return ok(0);
  }
  unsigned long end = start + size;
  for (unsigned long va = start & ~4095ul; va < end && va >= (start & ~4095ul); va += 4096) {
    if (asid < 0) __asm__ volatile("sfence.vma %0" ::"r"(va) : "memory");
    else __asm__ volatile("sfence.vma %0, %1" ::"r"(va), "r"(asid) : "memory");
  }
  return ok(0);
}

static struct sbiret rfence(unsigned long fid, const struct trap_frame *f) {
  if (fid > SBI_RFENCE_REMOTE_SFENCE_VMA_ASID) return not_supported; /* HFENCE.*: no H */
  int t = hart_mask_targets(f->x[REG_A0], f->x[REG_A1]);
  if (t < 0) return err(SBI_ERR_INVALID_PARAM);
  switch (fid) {
  case SBI_RFENCE_REMOTE_FENCE_I:
    if (t) fence_i();
    return ok(0);
  case SBI_RFENCE_REMOTE_SFENCE_VMA:
    if (!t) return ok(0);
    return sfence_range(f->x[REG_A2], f->x[REG_A3], -1);
  default: /* SBI_RFENCE_REMOTE_SFENCE_VMA_ASID */
    if (!t) return ok(0);
    return sfence_range(f->x[REG_A2], f->x[REG_A3], (long)(f->x[REG_A4] & 0x1ff));
  }
}

/* ---- HSM ----------------------------------------------------------------------------- */

static struct sbiret hsm(unsigned long fid, unsigned long a0) {
  switch (fid) {
  case SBI_HSM_HART_START:
    return err(a0 == 0 ? SBI_ERR_ALREADY_AVAILABLE : SBI_ERR_INVALID_PARAM);
  case SBI_HSM_HART_STOP:
    /* Stopping the only hart would leave nothing to start it again. */
    return not_supported;
  case SBI_HSM_HART_GET_STATUS:
    if (a0 != 0) return err(SBI_ERR_INVALID_PARAM);
    return ok(SBI_HSM_STATE_STARTED);
  case SBI_HSM_HART_SUSPEND: {
    uint32_t type = (uint32_t)a0;
    if (type == SBI_HSM_SUSPEND_RET_DEFAULT) {
      /* Default retentive suspend is a WFI: it returns once an interrupt enabled in mie is
       * pending (mstatus.MIE does not matter to WFI), e.g. an S interrupt S enabled in sie,
       * or MTIP of a timer S set with set_timer, which is taken as soon as we mret. */
      wfi();
      return ok(0);
    }
    if (type == SBI_HSM_SUSPEND_NONRET_DEFAULT) return not_supported;
    /* Reserved or platform-specific (none implemented) */
    return err(SBI_ERR_INVALID_PARAM);
  }
  default:
    return not_supported;
  }
}

/* ---- SRST ---------------------------------------------------------------------------- */

static struct sbiret srst(unsigned long fid, unsigned long type, unsigned long reason) {
  if (fid != SBI_SRST_SYSTEM_RESET) return not_supported;
  /* Types 3.. and reasons 2.. are reserved, SBI-specific or vendor-specific; none of the
   * latter are implemented, so all are invalid parameters. */
  if ((uint32_t)type > SBI_SRST_TYPE_WARM_REBOOT || (uint32_t)reason > SBI_SRST_REASON_FAILURE)
    return err(SBI_ERR_INVALID_PARAM);
  if ((uint32_t)type == SBI_SRST_TYPE_SHUTDOWN)
    fw_finish(reason == SBI_SRST_REASON_FAILURE ? FINISHER_FAIL(FW_EXIT_SYSTEM_FAILURE) : FINISHER_PASS);
  fw_finish(FINISHER_RESET); /* cold and warm reboot alike: the board has one reset */
}

/* ---- DBCN ---------------------------------------------------------------------------- */

static struct sbiret dbcn(unsigned long fid, unsigned long n, unsigned long lo, unsigned long hi) {
  switch (fid) {
  case SBI_DBCN_CONSOLE_WRITE: {
    if (!s_ram_range_ok(n, lo, hi)) return err(SBI_ERR_INVALID_PARAM);
    /* mstatus.MPRV is 0: these are physical accesses, as the spec's addresses are. */
    const volatile uint8_t *p = (const volatile uint8_t *)lo;
    for (unsigned long i = 0; i < n; i++) uart_putc((char)p[i]);
    return ok((long)n);
  }
  case SBI_DBCN_CONSOLE_READ: {
    if (!s_ram_range_ok(n, lo, hi)) return err(SBI_ERR_INVALID_PARAM);
    volatile uint8_t *p = (volatile uint8_t *)lo;
    unsigned long i = 0;
    for (int c; i < n && (c = uart_getc()) >= 0; i++) p[i] = (uint8_t)c;
    return ok((long)i);
  }
  case SBI_DBCN_CONSOLE_WRITE_BYTE:
    uart_putc((char)(n & 0xff));
    return ok(0);
  default:
    return not_supported;
  }
}

/* ---- legacy (0.1) -------------------------------------------------------------------- */

/* Legacy calls return a0 only; a1 is preserved. */
static long legacy(unsigned long eid, const struct trap_frame *f) {
  switch (eid) {
  case SBI_EXT_LEGACY_SET_TIMER:
    set_timer(((uint64_t)f->x[REG_A1] << 32) | f->x[REG_A0]);
    return 0;
  case SBI_EXT_LEGACY_CONSOLE_PUTCHAR:
    uart_putc((char)f->x[REG_A0]);
    return 0;
  case SBI_EXT_LEGACY_CONSOLE_GETCHAR:
    return uart_getc();
  case SBI_EXT_LEGACY_SHUTDOWN:
    fw_finish(FINISHER_PASS);
  default:
    return SBI_ERR_NOT_SUPPORTED;
  }
}

/* ---- dispatch ------------------------------------------------------------------------ */

void sbi_handle_ecall(struct trap_frame *f) {
  unsigned long eid = f->x[REG_A7], fid = f->x[REG_A6];
  unsigned long a0 = f->x[REG_A0], a1 = f->x[REG_A1], a2 = f->x[REG_A2];
  if (eid <= 0x0f) {
    f->x[REG_A0] = (unsigned long)legacy(eid, f);
    return;
  }
  struct sbiret r;
  switch (eid) {
  case SBI_EXT_BASE:
    r = base(fid, a0);
    break;
  case SBI_EXT_TIME:
    r = time_ext(fid, a0, a1);
    break;
  case SBI_EXT_IPI:
    r = ipi(fid, a0, a1);
    break;
  case SBI_EXT_RFENCE:
    r = rfence(fid, f);
    break;
  case SBI_EXT_HSM:
    r = hsm(fid, a0);
    break;
  case SBI_EXT_SRST:
    r = srst(fid, a0, a1);
    break;
  case SBI_EXT_DBCN:
    r = dbcn(fid, a0, a1, a2);
    break;
  default:
    r = not_supported;
    break;
  }
  f->x[REG_A0] = (unsigned long)r.error;
  f->x[REG_A1] = (unsigned long)r.value;
}
