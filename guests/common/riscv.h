/* RISC-V privileged architecture constants (privileged spec 1.12, RV32) and CSR accessors. */
#ifndef GUESTS_COMMON_RISCV_H
#define GUESTS_COMMON_RISCV_H

/* Unsigned constants in C, plain numbers in assembly. */
#ifdef __ASSEMBLER__
#define _U(x) x
#else
#define _U(x) x##u
#endif

/* mstatus / sstatus bits */
#define MSTATUS_SIE   (_U(1) << 1)
#define MSTATUS_MIE   (_U(1) << 3)
#define MSTATUS_SPIE  (_U(1) << 5)
#define MSTATUS_MPIE  (_U(1) << 7)
#define MSTATUS_SPP   (_U(1) << 8)
#define MSTATUS_MPP   (_U(3) << 11)
#define MSTATUS_MPP_S (_U(1) << 11)
#define MSTATUS_MPRV  (_U(1) << 17)
#define MSTATUS_SUM   (_U(1) << 18)
#define MSTATUS_MXR   (_U(1) << 19)
#define SSTATUS_SIE   MSTATUS_SIE
#define SSTATUS_SPIE  MSTATUS_SPIE
#define SSTATUS_SPP   MSTATUS_SPP
#define SSTATUS_SUM   MSTATUS_SUM

/* Interrupt numbers (bit positions in mip/mie/sip/sie and the low bits of xcause) */
#define IRQ_S_SOFT  1
#define IRQ_M_SOFT  3
#define IRQ_S_TIMER 5
#define IRQ_M_TIMER 7
#define IRQ_S_EXT   9
#define IRQ_M_EXT   11
#define MIP_SSIP (_U(1) << IRQ_S_SOFT)
#define MIP_MSIP (_U(1) << IRQ_M_SOFT)
#define MIP_STIP (_U(1) << IRQ_S_TIMER)
#define MIP_MTIP (_U(1) << IRQ_M_TIMER)
#define MIP_SEIP (_U(1) << IRQ_S_EXT)
#define MIP_MEIP (_U(1) << IRQ_M_EXT)
/* mie/sie enable bits sit at the same positions as the pending bits */
#define MIE_SSIE MIP_SSIP
#define MIE_MSIE MIP_MSIP
#define MIE_STIE MIP_STIP
#define MIE_MTIE MIP_MTIP
#define MIE_SEIE MIP_SEIP
#define MIE_MEIE MIP_MEIP
#define SIE_SSIE MIP_SSIP
#define SIE_STIE MIP_STIP
#define SIE_SEIE MIP_SEIP
#define SIP_SSIP MIP_SSIP
#define SIP_STIP MIP_STIP
#define SIP_SEIP MIP_SEIP

/* xcause: bit 31 marks interrupts; exception codes below */
#define CAUSE_INTERRUPT          _U(0x80000000)
#define CAUSE_MISALIGNED_FETCH   0
#define CAUSE_FETCH_ACCESS       1
#define CAUSE_ILLEGAL_INSTRUCTION 2
#define CAUSE_BREAKPOINT         3
#define CAUSE_MISALIGNED_LOAD    4
#define CAUSE_LOAD_ACCESS        5
#define CAUSE_MISALIGNED_STORE   6
#define CAUSE_STORE_ACCESS       7
#define CAUSE_USER_ECALL         8
#define CAUSE_SUPERVISOR_ECALL   9
#define CAUSE_MACHINE_ECALL      11
#define CAUSE_FETCH_PAGE_FAULT   12
#define CAUSE_LOAD_PAGE_FAULT    13
#define CAUSE_STORE_PAGE_FAULT   15

/* pmpNcfg fields */
#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

/* satp (Sv32) */
#define SATP_MODE_SV32 _U(0x80000000)

#ifndef __ASSEMBLER__
#define csr_read(csr)                                        \
  ({                                                         \
    unsigned long __v;                                       \
    __asm__ volatile("csrr %0, " #csr : "=r"(__v)::"memory"); \
    __v;                                                     \
  })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"r"((unsigned long)(val)) : "memory")
#define csr_set(csr, val) __asm__ volatile("csrs " #csr ", %0" ::"r"((unsigned long)(val)) : "memory")
#define csr_clear(csr, val) __asm__ volatile("csrc " #csr ", %0" ::"r"((unsigned long)(val)) : "memory")

static inline void wfi(void) { __asm__ volatile("wfi" ::: "memory"); }
static inline void fence_i(void) { __asm__ volatile("fence.i" ::: "memory"); }
static inline void sfence_vma_all(void) { __asm__ volatile("sfence.vma" ::: "memory"); }

/* The 64-bit `time` counter (S/U-mode view of mtime; needs mcounteren.TM below M-mode), read
 * high, low, high again so that a carry out of the low half between the reads is not missed. */
static inline unsigned long long csr_read_time64(void) {
  unsigned long hi, lo;
  do {
    hi = csr_read(timeh);
    lo = csr_read(time);
  } while (hi != csr_read(timeh));
  return ((unsigned long long)hi << 32) | lo;
}
#endif

#endif
