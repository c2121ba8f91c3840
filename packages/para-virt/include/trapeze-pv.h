/* The Trapeze paravirtualization ABI, version 1.0: the guest SDK.
 *
 * Everything a PV guest kernel needs to talk to Trapeze's `para` engine: the vendor extension's
 * EID and function IDs, the shared page and start-of-day page layouts, the page-table update
 * batch, and inline hypercall helpers. The specification is docs/pv-abi.md of the Trapeze
 * repository; @trapeze/para-virt exports the same numbers to TypeScript (a test checks they
 * agree). Usable from C and (the #define lines) from assembly. Standalone: it needs only a
 * RISC-V C compiler. */
#ifndef TRAPEZE_PV_H
#define TRAPEZE_PV_H

/* ---- Versions and magic numbers ----------------------------------------------------------- */

#define TRPZ_ABI_VERSION 0x00010000 /* major in bits 31:16, minor in 15:0 */
#define TRPZ_ABI_MAJOR(v) ((v) >> 16)
#define TRPZ_MAGIC 0x5A505254 /* "TRPZ" in little-endian bytes */
#define TRPZ_SBI_IMPL_ID 0x5450 /* SBI BASE get_impl_id under the para engine */

/* ---- The vendor extension "TRPZ" --------------------------------------------------------- */

#define TRPZ_EID 0x09545250
#define TRPZ_ABI_VERSION_CALL 0
#define TRPZ_SET_TRAP_VECTOR 1
#define TRPZ_TRAP_RETURN 2
#define TRPZ_MMU_UPDATE 3
#define TRPZ_PIN_TABLE 4
#define TRPZ_UNPIN_TABLE 5
#define TRPZ_SET_ROOT 6
#define TRPZ_EVENT_BIND 7
#define TRPZ_EVENT_CHECK 8
#define TRPZ_YIELD 9
#define TRPZ_SPIN_WAIT 10
#define TRPZ_SPIN_KICK 11

/* TRPZ_PIN_TABLE levels */
#define TRPZ_LEVEL_LEAF 0 /* a level-0 table: 4 KiB leaves */
#define TRPZ_LEVEL_ROOT 1 /* a level-1 table: satp's root */

/* TRPZ_MMU_UPDATE: at most this many entries per call, and the flush after them */
#define TRPZ_MMU_BATCH_MAX 512
#define TRPZ_FLUSH_NONE 0
#define TRPZ_FLUSH_ALL 1
#define TRPZ_FLUSH_PAGE 2

/* TRPZ_EVENT_CHECK argument */
#define TRPZ_CLEAR_SOFTWARE 0x2

/* ---- Standard SBI extensions the para engine adds to common/sbi.h's ----------------------- */

#define TRPZ_SBI_EXT_STA 0x535441 /* steal-time accounting */
#define TRPZ_SBI_STA_SET_SHMEM 0

/* ---- The shared page (one per vCPU; its address is in the start-of-day page) -------------- */

#define TRPZ_SHARED_MAGIC 0x00
#define TRPZ_SHARED_VERSION 0x04
#define TRPZ_SHARED_MASK 0x08
#define TRPZ_SHARED_ENABLE 0x0c
#define TRPZ_SHARED_PENDING 0x10
#define TRPZ_SHARED_EVENTS 0x14
#define TRPZ_SHARED_TRAP_CAUSE 0x18
#define TRPZ_SHARED_TRAP_EPC 0x1c
#define TRPZ_SHARED_TRAP_TVAL 0x20
#define TRPZ_SHARED_TRAP_STATUS 0x24
#define TRPZ_SHARED_TIMEBASE_HZ 0x28
#define TRPZ_SHARED_WALL_NS 0x30
#define TRPZ_SHARED_STEAL_NS 0x38

/* `pending` and `enable` bits (sip/sie's) and `trap_status` bit 0 */
#define TRPZ_IRQ_SOFTWARE (1u << 1)
#define TRPZ_IRQ_TIMER (1u << 5)
#define TRPZ_IRQ_EXTERNAL (1u << 9)
#define TRPZ_STATUS_WAS_MASKED 0x1

/* ---- The start-of-day page (a1 at entry) -------------------------------------------------- */

#define TRPZ_START_MAGIC 0x00
#define TRPZ_START_VERSION 0x04
#define TRPZ_START_RAM_BASE 0x08
#define TRPZ_START_RAM_SIZE 0x0c
#define TRPZ_START_SHARED_PAGE 0x10
#define TRPZ_START_DTB 0x14
#define TRPZ_START_DTB_SIZE 0x18
#define TRPZ_START_ROOT 0x1c
#define TRPZ_START_RESERVED_START 0x20

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trpz_shared {
  uint32_t magic, version;
  volatile uint32_t mask, enable, pending, events;
  uint32_t trap_cause, trap_epc, trap_tval, trap_status;
  uint32_t timebase_hz, reserved;
  uint64_t wall_ns, steal_ns;
};

struct trpz_start {
  uint32_t magic, version, ram_base, ram_size, shared_page, dtb, dtb_size, root;
  uint32_t reserved_start;
};

/* One entry of a TRPZ_MMU_UPDATE batch: write `value` into the page-table entry at `slot_pa`. */
struct trpz_mmu_update {
  uint32_t slot_pa, value;
};

/* The steal-time record of SBI STA (64 bytes, 64-byte aligned). */
struct trpz_sta {
  volatile uint32_t sequence, flags;
  volatile uint64_t steal;
  volatile uint8_t preempted;
  uint8_t pad[47];
};

struct trpz_ret {
  long error, value;
};

/* A hypercall: ecall with a7 = eid, a6 = fid, a0..a3 the arguments. */
static inline struct trpz_ret trpz_call(unsigned long eid, unsigned long fid, unsigned long arg0,
                                        unsigned long arg1, unsigned long arg2,
                                        unsigned long arg3) {
  register unsigned long a0 __asm__("a0") = arg0;
  register unsigned long a1 __asm__("a1") = arg1;
  register unsigned long a2 __asm__("a2") = arg2;
  register unsigned long a3 __asm__("a3") = arg3;
  register unsigned long a6 __asm__("a6") = fid;
  register unsigned long a7 __asm__("a7") = eid;
  __asm__ volatile("ecall" : "+r"(a0), "+r"(a1) : "r"(a2), "r"(a3), "r"(a6), "r"(a7) : "memory");
  struct trpz_ret ret = {(long)a0, (long)a1};
  return ret;
}

#define TRPZ_CALL(fid, a, b, c, d) trpz_call(TRPZ_EID, (fid), (a), (b), (c), (d))
#endif

#endif
