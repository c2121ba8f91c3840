/* Address translation for the bare programs that run in S-mode (compute-sv32.elf): start.S,
 * built with -DSV32, calls sv32_init() in M-mode and then drops to S-mode, where every fetch,
 * load and store of main() goes through the map made here.
 *
 * The map is the identity, in 4 MiB megapages of a single root table: the RAM the program
 * occupies (code, data, .bss, stack: RAM base up to __stack_top) read-write-execute, and the
 * megapages holding the two devices it touches, the test finisher (0x0-0x3fffff) and the UART
 * (0x10000000-0x103fffff), read-write without execute. Every leaf has A and D set: the spec
 * lets hardware either set them or raise a page fault (Svade), and QEMU and Trapeze both set
 * them, so pre-setting them keeps the program independent of that choice and keeps the page
 * walker from ever storing into the table, leaving the run nothing but the workload and its
 * translations. */
#include <stdint.h>

#include "../common/riscv.h"
#include "../common/sv32.h"
#include "../common/virt.h"

extern char __stack_top[]; /* link.ld: the end of the program's RAM */

/* The root table: a whole page of .bss of its own (link.ld puts .bss after the code's last
 * page), so no store into it lands in a page that holds code. start.S has zeroed it. */
static pte_t root[1024] __attribute__((aligned(PAGE_SIZE)));

static void map_megapage(uint32_t pa, pte_t flags) {
  root[VPN1(pa)] = PTE_FROM_PA(pa) | flags | PTE_V | PTE_A | PTE_D;
}

void sv32_init(void) {
  for (uint32_t pa = VIRT_RAM_BASE; pa < (uint32_t)__stack_top; pa += MEGAPAGE_SIZE)
    map_megapage(pa, PTE_R | PTE_W | PTE_X);
  map_megapage(VIRT_TEST_BASE & ~(MEGAPAGE_SIZE - 1), PTE_R | PTE_W);
  map_megapage(VIRT_UART0_BASE & ~(MEGAPAGE_SIZE - 1), PTE_R | PTE_W);

  /* PMP: with no entry configured S-mode may access nothing; entry 0, NAPOT over the whole
   * 34-bit physical space with RWX, opens everything (as QEMU's firmware does). Translation
   * then decides alone what S-mode reaches. */
  csr_write(pmpaddr0, 0xffffffffu);
  csr_write(pmpcfg0, PMP_NAPOT | PMP_R | PMP_W | PMP_X);
  csr_write(mcounteren, 1u << 2); /* IR: S-mode may read instret (main.c) */
  csr_write(satp, SATP_MODE_SV32 | ((uint32_t)root >> 12));
  sfence_vma_all(); /* after satp and PMP changes; M-mode itself stays untranslated */
}
