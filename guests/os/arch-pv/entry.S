/* The paravirtualized kernel's boot entry (docs/pv-abi.md §6). Everything else — the trap
 * vector, the return to user, the context switch — is the native layer's (arch/entry.S, included
 * below): under the PV ABI the kernel's own traps reach stvec with the trap CSRs set by the
 * hardware, and the hypervisor delivers virtual interrupts the same way. */

#include "../../common/asm.h"
#include "../../../packages/para-virt/include/trapeze-pv.h"

  .section .text.entry, "ax"
  .globl _start
_start:
  /* a0 = hart ID, a1 = the start-of-day page, S-mode, Sv32 on. A machine without the PV ABI
   * enters in M-mode with a1 = the device tree instead: no magic there. */
  la sp, boot_stack_top
  lw t0, TRPZ_START_MAGIC(a1)
  li t1, TRPZ_MAGIC
  bne t0, t1, not_pv
  mv s0, a0
  mv s1, a1
  ZERO_BSS __bss_start, __bss_end
  mv a0, s0
  mv a1, s1
  call pv_start
not_pv:
  call pv_unsupported

#define ARCH_PV
#include "../arch/entry.S"
