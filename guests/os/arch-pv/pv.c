/* The paravirtualized implementation of arch.h: the kernel under Trapeze's PV ABI
 * (docs/pv-abi.md; the numbers from the guest SDK header). It runs in S-mode with Sv32 always
 * on over page tables the hypervisor validates: it never writes an entry of a table itself but
 * queues the writes and sends them in batches (TRPZ_MMU_UPDATE), turns a page's own mapping
 * read-only before it becomes a table and back after, pins roots and switches address spaces
 * with a hypercall, idles with TRPZ_YIELD, masks interrupts in the shared page, and takes its
 * devices' interrupts as event bits there. The console is SBI DBCN (output only). */
#include "../../../packages/para-virt/include/trapeze-pv.h"
#include "../../common/div64.h"
#include "../../common/mmio.h"
#include "../../common/riscv.h"
#include "../../common/sbi.h"
#include "../../common/virt.h"
#include "../arch/arch.h"
#include "../arch/trap.h"

void kmain(uint32_t hartid, uint32_t dtb);
__attribute__((noreturn)) void pv_start(uint32_t hartid, const struct trpz_start *start);
__attribute__((noreturn)) void pv_unsupported(void);

extern char arch_trap_vector[];

static const struct trpz_start *start_of_day;
static volatile struct trpz_shared *shared;

/* Frames that are page tables now, one bit per frame of RAM (up to 2 GiB). */
static uint8_t table_frame[(0x80000000u / PAGE_SIZE) / 8];

/* The steal-time record (SBI STA): the hypervisor keeps it up to date. */
static struct trpz_sta steal_record __attribute__((aligned(64)));

/* Page-table writes waiting to be sent. */
static struct trpz_mmu_update batch[TRPZ_MMU_BATCH_MAX] __attribute__((aligned(8)));
static uint32_t queued;
static int lazy;

/* The direct map's flags: what the hypervisor's initial map gives RAM, and a table's frame. */
#define DIRECT_RW (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G)
#define DIRECT_TABLE (PTE_V | PTE_R | PTE_A | PTE_G)

static void print(const char *s) {
  size_t n = 0;
  while (s[n]) n++;
  arch_console_write(s, n);
}

static void print_u64(uint64_t v) {
  char digits[21];
  int n = 20;
  digits[n] = 0;
  do {
    uint64_t q = udiv64(v, 10);
    digits[--n] = (char)('0' + (v - q * 10));
    v = q;
  } while (v != 0);
  print(&digits[n]);
}

/* A refused call is a kernel bug: say which and stop. */
static void check(struct trpz_ret r, const char *what) {
  if (r.error == SBI_SUCCESS) return;
  print("pv: hypercall refused: ");
  print(what);
  print("\n");
  arch_shutdown(1);
}

__attribute__((noreturn)) void pv_start(uint32_t hartid, const struct trpz_start *start) {
  start_of_day = start;
  shared = (volatile struct trpz_shared *)start->shared_page;
  kmain(hartid, start->dtb);
  for (;;) {
  }
}

/* Started on a machine without the PV ABI (M-mode, no hypervisor): say so on the UART and
 * power off through the test finisher, which every `virt` board has. */
__attribute__((noreturn)) void pv_unsupported(void) {
  for (const char *s = "pv: not running under the Trapeze PV ABI\n"; *s; s++)
    mmio_write8(VIRT_UART0_BASE, (uint8_t)*s);
  mmio_write32(VIRT_TEST_BASE, FINISHER_PASS);
  for (;;) {
  }
}

static int is_table(uint32_t pa) {
  uint32_t f = (pa - VIRT_RAM_BASE) / PAGE_SIZE;
  return (table_frame[f / 8] >> (f % 8)) & 1;
}

static void set_table(uint32_t pa, int on) {
  uint32_t f = (pa - VIRT_RAM_BASE) / PAGE_SIZE;
  if (on)
    table_frame[f / 8] |= (uint8_t)(1u << (f % 8));
  else
    table_frame[f / 8] &= (uint8_t)~(1u << (f % 8));
}

/* Sends the queued writes, then the flush asked for. */
static void submit(uint32_t flush, uint32_t va) {
  if (queued == 0 && flush == TRPZ_FLUSH_NONE) return;
  struct trpz_ret r = TRPZ_CALL(TRPZ_MMU_UPDATE, (uintptr_t)batch, queued, flush, va);
  check(r, "TRPZ_MMU_UPDATE");
  queued = 0;
}

static void queue(pte_t *slot, pte_t value) {
  if (queued == TRPZ_MMU_BATCH_MAX) submit(TRPZ_FLUSH_NONE, 0);
  batch[queued].slot_pa = (uint32_t)slot;
  batch[queued].value = value;
  queued++;
}

/* The direct map's entry for RAM frame `pa` (in the hypervisor's leaf tables). */
static pte_t *direct_slot(uint32_t pa) {
  pte_t link = ((const pte_t *)start_of_day->root)[VPN1(pa)];
  return &((pte_t *)PTE_TO_PA(link))[VPN0(pa)];
}

void arch_init(void) {
  if (TRPZ_ABI_MAJOR((uint32_t)TRPZ_CALL(TRPZ_ABI_VERSION_CALL, 0, 0, 0, 0).value) !=
      TRPZ_ABI_MAJOR(TRPZ_ABI_VERSION)) {
    print("pv: the hypervisor speaks another major version of the PV ABI\n");
    arch_shutdown(1);
  }
  csr_write(sscratch, 0);
  check(TRPZ_CALL(TRPZ_SET_TRAP_VECTOR, (uintptr_t)arch_trap_vector, 0, 0, 0), "trap vector");
  csr_write(scounteren, 0x7); /* user mode reads cycle, time and instret */
  csr_clear(sstatus, SSTATUS_SIE | SSTATUS_SUM);
  arch_set_timer(ARCH_TIMER_NEVER);
  SBI_CALL3(TRPZ_SBI_EXT_STA, TRPZ_SBI_STA_SET_SHMEM, (uintptr_t)&steal_record, 0, 0);
  shared->mask = 1;
  shared->enable = TRPZ_IRQ_TIMER | TRPZ_IRQ_EXTERNAL;
}

/* At power-off the kernel reports its uptime and the part of it another VM on the host ran
 * (steal time, SBI STA): with one VM the steal is 0. */
__attribute__((noreturn)) void arch_shutdown(int failure) {
  uint32_t sequence;
  uint64_t steal;
  do {
    sequence = steal_record.sequence;
    steal = steal_record.steal;
  } while ((sequence & 1) || sequence != steal_record.sequence);
  print("pv: uptime ");
  print_u64(csr_read_time64() * (1000000000u / ARCH_TIMEBASE_HZ));
  print(" ns, steal ");
  print_u64(steal);
  print(" ns\n");
  SBI_CALL2(SBI_EXT_SRST, SBI_SRST_SYSTEM_RESET, SBI_SRST_TYPE_SHUTDOWN,
            failure ? SBI_SRST_REASON_FAILURE : SBI_SRST_REASON_NONE);
  for (;;) {
  }
}

void arch_console_write(const char *buf, size_t len) {
  while (len > 0) {
    struct sbiret r = SBI_CALL3(SBI_EXT_DBCN, SBI_DBCN_CONSOLE_WRITE, len, (uintptr_t)buf, 0);
    if (r.error != SBI_SUCCESS || r.value == 0) return;
    buf += r.value;
    len -= (size_t)r.value;
  }
}

void arch_console_rx_enable(int on) { (void)on; /* no console input under the PV ABI yet */ }

uint64_t arch_time(void) { return csr_read_time64(); }

void arch_set_timer(uint64_t deadline) {
  SBI_CALL2(SBI_EXT_TIME, SBI_TIME_SET_TIMER, (uint32_t)deadline, (uint32_t)(deadline >> 32));
}

/* The kernel stays masked; a yield comes back through the vector with the interrupt taken. */
void arch_idle(void) { TRPZ_CALL(TRPZ_YIELD, 0, 0, 0, 0); }

void arch_irq_enable(uint32_t irq) {
  check(TRPZ_CALL(TRPZ_EVENT_BIND, irq, 0, 0, 0), "event bind");
}

/* The hypervisor acknowledged the device (InterruptACK) when it claimed its source. */
int arch_irq_acked(void) { return 1; }

void arch_external_interrupt(void) {
  uint32_t events = __atomic_exchange_n(&shared->events, 0, __ATOMIC_SEQ_CST);
  for (uint32_t irq = 1; irq < 32; irq++)
    if (events & (1u << irq)) kernel_device_interrupt(irq);
}

void arch_kernel_map(pte_t entries[1024], uint32_t ram_base, uint32_t ram_end) {
  (void)ram_base;
  (void)ram_end;
  /* Link every root to the hypervisor's leaf tables (RAM and the virtio pages): one copy of the
   * kernel's map, shared by every address space. */
  const pte_t *root = (const pte_t *)start_of_day->root;
  set_table(start_of_day->root, 1);
  for (int i = 0; i < 1024; i++) {
    entries[i] = root[i];
    if (root[i] & PTE_V) set_table(PTE_TO_PA(root[i]), 1);
  }
}

uint32_t arch_memory_end(uint32_t ram_end) {
  uint32_t kept = start_of_day->reserved_start;
  return kept < ram_end ? kept : ram_end;
}

void arch_pgtable_new(void *table, int root) {
  uint32_t pa = (uint32_t)table;
  queue(direct_slot(pa), PTE_FROM_PA(pa) | DIRECT_TABLE);
  set_table(pa, 1);
  if (root) {
    submit(TRPZ_FLUSH_NONE, 0);
    check(TRPZ_CALL(TRPZ_PIN_TABLE, pa, TRPZ_LEVEL_ROOT, 0, 0), "pin");
  }
  /* A leaf table is validated when arch_set_pte links it, in the same batch. */
}

void arch_pgtable_free(void *table, int root) {
  uint32_t pa = (uint32_t)table;
  if (root) {
    submit(TRPZ_FLUSH_NONE, 0);
    check(TRPZ_CALL(TRPZ_UNPIN_TABLE, pa, 0, 0, 0), "unpin");
  }
  queue(direct_slot(pa), PTE_FROM_PA(pa) | DIRECT_RW);
  set_table(pa, 0);
  submit(TRPZ_FLUSH_NONE, 0); /* the page is written as soon as it is freed */
}

void arch_set_pte(pte_t *ptep, pte_t value) {
  if (!is_table((uint32_t)ptep)) {
    *(volatile pte_t *)ptep = value; /* a table not in use yet: plain memory */
    return;
  }
  queue(ptep, value);
  submit(TRPZ_FLUSH_NONE, 0);
}

void arch_set_leaf(pte_t *ptep, pte_t value, uint32_t va, int flush) {
  queue(ptep, value);
  if (!lazy) submit(flush ? TRPZ_FLUSH_PAGE : TRPZ_FLUSH_NONE, va);
}

void arch_mmu_lazy(int on) {
  lazy = on;
  if (!on) submit(TRPZ_FLUSH_NONE, 0);
}

void arch_flush_tlb_page(uint32_t va) {
  submit(TRPZ_FLUSH_NONE, 0);
  SBI_CALL4(SBI_EXT_RFENCE, SBI_RFENCE_REMOTE_SFENCE_VMA, 1, 0, va, PAGE_SIZE);
}

void arch_activate_pgdir(uint32_t root_pa) {
  submit(TRPZ_FLUSH_NONE, 0);
  check(TRPZ_CALL(TRPZ_SET_ROOT, root_pa, 0, 0, 0), "set root");
}
