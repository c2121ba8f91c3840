/**
 * The numbers of the Trapeze paravirtualization ABI, version 1.0 (docs/pv-abi.md): the vendor
 * extension's EID and function IDs, the shared page and start-of-day page layouts, and the SBI
 * error codes and extensions the `para` engine answers. The guest SDK header
 * (`@trapeze/para-virt/include/trapeze-pv.h`) defines the same names with the same values; a
 * test checks that they agree.
 *
 * @module
 */

/** The ABI's version: major in bits 31:16, minor in 15:0. */
export const TRPZ_ABI_VERSION = 0x0001_0000;
/** `magic` of the shared page and the start-of-day page: "TRPZ" in little-endian bytes. */
export const TRPZ_MAGIC = 0x5a50_5254;
/** SBI BASE `get_impl_id` under the para engine. */
export const TRPZ_SBI_IMPL_ID = 0x5450;

/** The vendor extension's EID (SBI's vendor range 0x0900_0000–0x09FF_FFFF). */
export const TRPZ_EID = 0x0954_5250;
/** Function IDs of the vendor extension. */
/** `TRPZ_ABI_VERSION`: returns the ABI version in `a1`. */
export const TRPZ_ABI_VERSION_CALL = 0;
/** `TRPZ_SET_TRAP_VECTOR(base)`: registers the trap vector (`stvec`). */
export const TRPZ_SET_TRAP_VECTOR = 1;
/** `TRPZ_TRAP_RETURN()`: `sret`, then delivers what is pending. */
export const TRPZ_TRAP_RETURN = 2;
/** `TRPZ_MMU_UPDATE(batch_pa, count, flush, flush_va)`: validated page-table updates. */
export const TRPZ_MMU_UPDATE = 3;
/** `TRPZ_PIN_TABLE(frame_pa, level)`: validates a table and holds it. */
export const TRPZ_PIN_TABLE = 4;
/** `TRPZ_UNPIN_TABLE(frame_pa)`: lets a pinned table go. */
export const TRPZ_UNPIN_TABLE = 5;
/** `TRPZ_SET_ROOT(frame_pa)`: the address-space switch (a pinned root). */
export const TRPZ_SET_ROOT = 6;
/** `TRPZ_EVENT_BIND(source)`: a device's PLIC source becomes an event bit. */
export const TRPZ_EVENT_BIND = 7;
/** `TRPZ_EVENT_CHECK(clear)`: delivers what is pending and enabled. */
export const TRPZ_EVENT_CHECK = 8;
/** `TRPZ_YIELD()`: the idle loop's `wfi`. */
export const TRPZ_YIELD = 9;
/** `TRPZ_SPIN_WAIT(lock_pa, value)`: a PV spinlock's wait. */
export const TRPZ_SPIN_WAIT = 10;
/** `TRPZ_SPIN_KICK(hart)`: wakes a vCPU waiting in `TRPZ_SPIN_WAIT`. */
export const TRPZ_SPIN_KICK = 11;

/** {@link TRPZ_PIN_TABLE} levels: a level-0 table of 4 KiB leaves, and a root. */
export const TRPZ_LEVEL_LEAF = 0;
/** {@link TRPZ_PIN_TABLE} level of a root (level-1 table). */
export const TRPZ_LEVEL_ROOT = 1;

/** Entries one {@link TRPZ_MMU_UPDATE} call may carry. */
export const TRPZ_MMU_BATCH_MAX = 512;
/** The flush after a {@link TRPZ_MMU_UPDATE} batch: none, every translation, one page. */
export const TRPZ_FLUSH_NONE = 0;
/** Flush every translation after the batch. */
export const TRPZ_FLUSH_ALL = 1;
/** Flush the page of `flush_va` after the batch. */
export const TRPZ_FLUSH_PAGE = 2;

/** {@link TRPZ_EVENT_CHECK}'s argument bit that clears the software interrupt. */
export const TRPZ_CLEAR_SOFTWARE = 0x2;

/** SBI's steal-time accounting extension and its one function. */
export const TRPZ_SBI_EXT_STA = 0x53_5441;
/** STA `set_shmem(lo, hi, flags)`. */
export const TRPZ_SBI_STA_SET_SHMEM = 0;

/** Byte offsets of the shared page's fields. */
export const TRPZ_SHARED_MAGIC = 0x00;
/** Offset of the shared page's `version`. */
export const TRPZ_SHARED_VERSION = 0x04;
/** Offset of the shared page's `mask`. */
export const TRPZ_SHARED_MASK = 0x08;
/** Offset of the shared page's `enable`. */
export const TRPZ_SHARED_ENABLE = 0x0c;
/** Offset of the shared page's `pending`. */
export const TRPZ_SHARED_PENDING = 0x10;
/** Offset of the shared page's `events`. */
export const TRPZ_SHARED_EVENTS = 0x14;
/** Offset of the shared page's `trap_cause`. */
export const TRPZ_SHARED_TRAP_CAUSE = 0x18;
/** Offset of the shared page's `trap_epc`. */
export const TRPZ_SHARED_TRAP_EPC = 0x1c;
/** Offset of the shared page's `trap_tval`. */
export const TRPZ_SHARED_TRAP_TVAL = 0x20;
/** Offset of the shared page's `trap_status`. */
export const TRPZ_SHARED_TRAP_STATUS = 0x24;
/** Offset of the shared page's `timebase_hz`. */
export const TRPZ_SHARED_TIMEBASE_HZ = 0x28;
/** Offset of the shared page's `wall_ns`. */
export const TRPZ_SHARED_WALL_NS = 0x30;
/** Offset of the shared page's `steal_ns`. */
export const TRPZ_SHARED_STEAL_NS = 0x38;

/** Bits of the shared page's `pending` and `enable` (those of `sip` and `sie`). */
export const TRPZ_IRQ_SOFTWARE = 1 << 1;
/** The timer interrupt's bit (5). */
export const TRPZ_IRQ_TIMER = 1 << 5;
/** The external (event) interrupt's bit (9). */
export const TRPZ_IRQ_EXTERNAL = 1 << 9;
/** `trap_status` bit 0: `mask` was non-zero when the interrupt was delivered. */
export const TRPZ_STATUS_WAS_MASKED = 0x1;

/** Byte offsets of the start-of-day page's fields (its address is in `a1` at entry). */
export const TRPZ_START_MAGIC = 0x00;
/** Offset of the start-of-day page's `version`. */
export const TRPZ_START_VERSION = 0x04;
/** Offset of the start-of-day page's `ram_base`. */
export const TRPZ_START_RAM_BASE = 0x08;
/** Offset of the start-of-day page's `ram_size`. */
export const TRPZ_START_RAM_SIZE = 0x0c;
/** Offset of the start-of-day page's `shared_page`. */
export const TRPZ_START_SHARED_PAGE = 0x10;
/** Offset of the start-of-day page's `dtb`. */
export const TRPZ_START_DTB = 0x14;
/** Offset of the start-of-day page's `dtb_size`. */
export const TRPZ_START_DTB_SIZE = 0x18;
/** Offset of the start-of-day page's `root`. */
export const TRPZ_START_ROOT = 0x1c;
/** Offset of the start-of-day page's `reserved_start`. */
export const TRPZ_START_RESERVED_START = 0x20;

/** SBI 2.0's error codes (`a0` after a call). */
export const SBI_SUCCESS = 0;
/** SBI error `SBI_ERR_FAILED`. */
export const SBI_ERR_FAILED = -1;
/** SBI error `SBI_ERR_NOT_SUPPORTED`. */
export const SBI_ERR_NOT_SUPPORTED = -2;
/** SBI error `SBI_ERR_INVALID_PARAM`. */
export const SBI_ERR_INVALID_PARAM = -3;
/** SBI error `SBI_ERR_DENIED`. */
export const SBI_ERR_DENIED = -4;
/** SBI error `SBI_ERR_INVALID_ADDRESS`. */
export const SBI_ERR_INVALID_ADDRESS = -5;
/** SBI error `SBI_ERR_ALREADY_AVAILABLE`. */
export const SBI_ERR_ALREADY_AVAILABLE = -6;
/** SBI error `SBI_ERR_ALREADY_STARTED`. */
export const SBI_ERR_ALREADY_STARTED = -7;
/** SBI error `SBI_ERR_ALREADY_STOPPED`. */
export const SBI_ERR_ALREADY_STOPPED = -8;
/** SBI error `SBI_ERR_NO_SHMEM`. */
export const SBI_ERR_NO_SHMEM = -9;

/** An SBI error code. */
export type SbiError =
  | typeof SBI_SUCCESS
  | typeof SBI_ERR_FAILED
  | typeof SBI_ERR_NOT_SUPPORTED
  | typeof SBI_ERR_INVALID_PARAM
  | typeof SBI_ERR_DENIED
  | typeof SBI_ERR_INVALID_ADDRESS
  | typeof SBI_ERR_ALREADY_AVAILABLE
  | typeof SBI_ERR_ALREADY_STARTED
  | typeof SBI_ERR_ALREADY_STOPPED
  | typeof SBI_ERR_NO_SHMEM;
