/* RISC-V SBI (Supervisor Binary Interface) 2.0: extension and function IDs, error codes, and
 * the S-mode calling side. Calling convention: `ecall` with a7 = extension ID (EID), a6 =
 * function ID (FID), arguments in a0..a5; the callee returns a0 = error, a1 = value and keeps
 * every other register. Legacy extensions (EID 0x00..0x0F) ignore a6 and return a0 only,
 * preserving a1. The constants are usable from assembly; the call helpers are C only. */
#ifndef GUESTS_COMMON_SBI_H
#define GUESTS_COMMON_SBI_H

/* Standard error codes (sbiret.error) */
#define SBI_SUCCESS                0
#define SBI_ERR_FAILED            -1
#define SBI_ERR_NOT_SUPPORTED     -2
#define SBI_ERR_INVALID_PARAM     -3
#define SBI_ERR_DENIED            -4
#define SBI_ERR_INVALID_ADDRESS   -5
#define SBI_ERR_ALREADY_AVAILABLE -6
#define SBI_ERR_ALREADY_STARTED   -7
#define SBI_ERR_ALREADY_STOPPED   -8
#define SBI_ERR_NO_SHMEM          -9

/* Legacy extensions (SBI 0.1) */
#define SBI_EXT_LEGACY_SET_TIMER       0x00
#define SBI_EXT_LEGACY_CONSOLE_PUTCHAR 0x01
#define SBI_EXT_LEGACY_CONSOLE_GETCHAR 0x02
#define SBI_EXT_LEGACY_CLEAR_IPI       0x03
#define SBI_EXT_LEGACY_SEND_IPI        0x04
#define SBI_EXT_LEGACY_REMOTE_FENCE_I  0x05
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA      0x06
#define SBI_EXT_LEGACY_REMOTE_SFENCE_VMA_ASID 0x07
#define SBI_EXT_LEGACY_SHUTDOWN        0x08

/* Base extension */
#define SBI_EXT_BASE 0x10
#define SBI_BASE_GET_SPEC_VERSION 0
#define SBI_BASE_GET_IMPL_ID      1
#define SBI_BASE_GET_IMPL_VERSION 2
#define SBI_BASE_PROBE_EXTENSION  3
#define SBI_BASE_GET_MVENDORID    4
#define SBI_BASE_GET_MARCHID      5
#define SBI_BASE_GET_MIMPID       6

/* spec version: bit 31 zero, bits 30:24 major, 23:0 minor */
#define SBI_SPEC_VERSION(major, minor) (((major) << 24) | (minor))

/* Timer extension "TIME" */
#define SBI_EXT_TIME 0x54494D45
#define SBI_TIME_SET_TIMER 0

/* IPI extension "sPI" */
#define SBI_EXT_IPI 0x735049
#define SBI_IPI_SEND_IPI 0

/* RFENCE extension "RFNC" */
#define SBI_EXT_RFENCE 0x52464E43
#define SBI_RFENCE_REMOTE_FENCE_I              0
#define SBI_RFENCE_REMOTE_SFENCE_VMA           1
#define SBI_RFENCE_REMOTE_SFENCE_VMA_ASID      2
#define SBI_RFENCE_REMOTE_HFENCE_GVMA_VMID     3
#define SBI_RFENCE_REMOTE_HFENCE_GVMA          4
#define SBI_RFENCE_REMOTE_HFENCE_VVMA_ASID     5
#define SBI_RFENCE_REMOTE_HFENCE_VVMA          6

/* Hart state management extension "HSM" */
#define SBI_EXT_HSM 0x48534D
#define SBI_HSM_HART_START      0
#define SBI_HSM_HART_STOP       1
#define SBI_HSM_HART_GET_STATUS 2
#define SBI_HSM_HART_SUSPEND    3
#define SBI_HSM_STATE_STARTED         0
#define SBI_HSM_STATE_STOPPED         1
#define SBI_HSM_STATE_START_PENDING   2
#define SBI_HSM_STATE_STOP_PENDING    3
#define SBI_HSM_STATE_SUSPENDED       4
#define SBI_HSM_STATE_SUSPEND_PENDING 5
#define SBI_HSM_STATE_RESUME_PENDING  6
#define SBI_HSM_SUSPEND_RET_DEFAULT    0x00000000u
#define SBI_HSM_SUSPEND_NONRET_DEFAULT 0x80000000u

/* System reset extension "SRST" */
#define SBI_EXT_SRST 0x53525354
#define SBI_SRST_SYSTEM_RESET 0
#define SBI_SRST_TYPE_SHUTDOWN    0
#define SBI_SRST_TYPE_COLD_REBOOT 1
#define SBI_SRST_TYPE_WARM_REBOOT 2
#define SBI_SRST_REASON_NONE      0
#define SBI_SRST_REASON_FAILURE   1

/* Debug console extension "DBCN" */
#define SBI_EXT_DBCN 0x4442434E
#define SBI_DBCN_CONSOLE_WRITE      0
#define SBI_DBCN_CONSOLE_READ       1
#define SBI_DBCN_CONSOLE_WRITE_BYTE 2

/* Trapeze's firmware (guests/firmware) identifies itself with this implementation ID, an
 * unassigned value in the SBI spec's implementation ID table ('T'). */
#define SBI_IMPL_ID_TRAPEZE 0x54

#ifndef __ASSEMBLER__
#include <stdint.h>

struct sbiret {
  long error;
  long value;
};

/* A v0.2+ SBI call with up to six arguments. */
static inline struct sbiret sbi_ecall(unsigned long eid, unsigned long fid, unsigned long arg0,
                                      unsigned long arg1, unsigned long arg2, unsigned long arg3,
                                      unsigned long arg4, unsigned long arg5) {
  register unsigned long a0 __asm__("a0") = arg0;
  register unsigned long a1 __asm__("a1") = arg1;
  register unsigned long a2 __asm__("a2") = arg2;
  register unsigned long a3 __asm__("a3") = arg3;
  register unsigned long a4 __asm__("a4") = arg4;
  register unsigned long a5 __asm__("a5") = arg5;
  register unsigned long a6 __asm__("a6") = fid;
  register unsigned long a7 __asm__("a7") = eid;
  __asm__ volatile("ecall"
                   : "+r"(a0), "+r"(a1)
                   : "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a6), "r"(a7)
                   : "memory");
  struct sbiret ret = {(long)a0, (long)a1};
  return ret;
}

/* A legacy (v0.1) call: a6 is ignored, only a0 comes back and a1 is preserved. */
static inline long sbi_legacy_ecall(unsigned long eid, unsigned long arg0, unsigned long arg1) {
  register unsigned long a0 __asm__("a0") = arg0;
  register unsigned long a1 __asm__("a1") = arg1;
  register unsigned long a7 __asm__("a7") = eid;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a1), "r"(a7) : "memory");
  return (long)a0;
}

#define SBI_CALL0(e, f) sbi_ecall((e), (f), 0, 0, 0, 0, 0, 0)
#define SBI_CALL1(e, f, a) sbi_ecall((e), (f), (a), 0, 0, 0, 0, 0)
#define SBI_CALL2(e, f, a, b) sbi_ecall((e), (f), (a), (b), 0, 0, 0, 0)
#define SBI_CALL3(e, f, a, b, c) sbi_ecall((e), (f), (a), (b), (c), 0, 0, 0)
#define SBI_CALL4(e, f, a, b, c, d) sbi_ecall((e), (f), (a), (b), (c), (d), 0, 0)
#define SBI_CALL5(e, f, a, b, c, d, g) sbi_ecall((e), (f), (a), (b), (c), (d), (g), 0)

/* Base */
static inline struct sbiret sbi_get_spec_version(void) { return SBI_CALL0(SBI_EXT_BASE, SBI_BASE_GET_SPEC_VERSION); }
static inline struct sbiret sbi_get_impl_id(void) { return SBI_CALL0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_ID); }
static inline struct sbiret sbi_get_impl_version(void) { return SBI_CALL0(SBI_EXT_BASE, SBI_BASE_GET_IMPL_VERSION); }
static inline struct sbiret sbi_probe_extension(long eid) { return SBI_CALL1(SBI_EXT_BASE, SBI_BASE_PROBE_EXTENSION, (unsigned long)eid); }
static inline struct sbiret sbi_get_mvendorid(void) { return SBI_CALL0(SBI_EXT_BASE, SBI_BASE_GET_MVENDORID); }
static inline struct sbiret sbi_get_marchid(void) { return SBI_CALL0(SBI_EXT_BASE, SBI_BASE_GET_MARCHID); }
static inline struct sbiret sbi_get_mimpid(void) { return SBI_CALL0(SBI_EXT_BASE, SBI_BASE_GET_MIMPID); }

/* Timer: the next timer event at absolute time `stime` (in `time` CSR ticks); also clears a
 * pending supervisor timer interrupt. (uint64_t)-1 means "never". */
static inline struct sbiret sbi_set_timer(uint64_t stime) {
  return SBI_CALL2(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (unsigned long)stime, (unsigned long)(stime >> 32));
}

/* IPI: raise a supervisor software interrupt on the harts of the mask. */
static inline struct sbiret sbi_send_ipi(unsigned long hart_mask, unsigned long hart_mask_base) {
  return SBI_CALL2(SBI_EXT_IPI, SBI_IPI_SEND_IPI, hart_mask, hart_mask_base);
}

/* RFENCE */
static inline struct sbiret sbi_remote_fence_i(unsigned long hart_mask, unsigned long hart_mask_base) {
  return SBI_CALL2(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_FENCE_I, hart_mask, hart_mask_base);
}
static inline struct sbiret sbi_remote_sfence_vma(unsigned long hart_mask, unsigned long hart_mask_base,
                                                  unsigned long start, unsigned long size) {
  return SBI_CALL4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, hart_mask, hart_mask_base, start, size);
}
static inline struct sbiret sbi_remote_sfence_vma_asid(unsigned long hart_mask, unsigned long hart_mask_base,
                                                       unsigned long start, unsigned long size,
                                                       unsigned long asid) {
  return SBI_CALL5(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA_ASID, hart_mask, hart_mask_base, start, size, asid);
}

/* HSM */
static inline struct sbiret sbi_hart_start(unsigned long hartid, unsigned long start_addr, unsigned long opaque) {
  return SBI_CALL3(SBI_EXT_HSM, SBI_HSM_HART_START, hartid, start_addr, opaque);
}
static inline struct sbiret sbi_hart_stop(void) { return SBI_CALL0(SBI_EXT_HSM, SBI_HSM_HART_STOP); }
static inline struct sbiret sbi_hart_get_status(unsigned long hartid) {
  return SBI_CALL1(SBI_EXT_HSM, SBI_HSM_HART_GET_STATUS, hartid);
}
static inline struct sbiret sbi_hart_suspend(uint32_t type, unsigned long resume_addr, unsigned long opaque) {
  return SBI_CALL3(SBI_EXT_HSM, SBI_HSM_HART_SUSPEND, type, resume_addr, opaque);
}

/* SRST: does not return on success. */
static inline struct sbiret sbi_system_reset(uint32_t type, uint32_t reason) {
  return SBI_CALL2(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, type, reason);
}

/* DBCN: physical addresses, split in low and high XLEN halves (high is 0 on this board). */
static inline struct sbiret sbi_debug_console_write(unsigned long num_bytes, unsigned long base_lo, unsigned long base_hi) {
  return SBI_CALL3(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, num_bytes, base_lo, base_hi);
}
static inline struct sbiret sbi_debug_console_read(unsigned long num_bytes, unsigned long base_lo, unsigned long base_hi) {
  return SBI_CALL3(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_READ, num_bytes, base_lo, base_hi);
}
static inline struct sbiret sbi_debug_console_write_byte(uint8_t byte) {
  return SBI_CALL1(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE_BYTE, byte);
}

/* Legacy */
static inline long sbi_legacy_set_timer(uint64_t stime) {
  return sbi_legacy_ecall(SBI_EXT_LEGACY_SET_TIMER, (unsigned long)stime, (unsigned long)(stime >> 32));
}
static inline long sbi_legacy_console_putchar(int ch) {
  return sbi_legacy_ecall(SBI_EXT_LEGACY_CONSOLE_PUTCHAR, (unsigned long)ch, 0);
}
static inline long sbi_legacy_console_getchar(void) {
  return sbi_legacy_ecall(SBI_EXT_LEGACY_CONSOLE_GETCHAR, 0, 0);
}
static inline void sbi_legacy_shutdown(void) { sbi_legacy_ecall(SBI_EXT_LEGACY_SHUTDOWN, 0, 0); }
#endif

#endif
