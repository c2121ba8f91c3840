/* Trap vector, boot entry, return to user and kernel context switch (RISC-V, S-mode). The
 * paravirtualized build (arch-pv/entry.S) includes this file for everything but the boot entry:
 * under the PV ABI the kernel's own traps reach stvec with sepc/scause/stval/sstatus set by
 * the hardware, and the hypervisor delivers virtual interrupts the same way.
 *
 * sscratch protocol: while a process runs in U-mode, sscratch holds the address of its trapframe
 * (which sits at the top of its kernel stack); while the kernel runs, sscratch is 0. The vector
 * swaps sp with sscratch: a non-zero result means "came from user" and sp now points at the
 * trapframe; zero means the trap interrupted the kernel itself (only the idle loop takes
 * interrupts; anything else there is a kernel fault), so sp is swapped back and the state is
 * saved on the current kernel stack. */

#include "../../common/asm.h"
#include "../../common/riscv.h"

#define TF_PC     128
#define TF_STATUS 132
#define TF_CAUSE  136
#define TF_TVAL   140
#define TF_SIZE   144

/* SAVE_TRAP_CSRS: stores sepc, sstatus, scause and stval into the trapframe at sp; clobbers t0. */
.macro SAVE_TRAP_CSRS
  csrr t0, sepc
  sw t0, TF_PC(sp)
  csrr t0, sstatus
  sw t0, TF_STATUS(sp)
  csrr t0, scause
  sw t0, TF_CAUSE(sp)
  csrr t0, stval
  sw t0, TF_TVAL(sp)
.endm

#ifndef ARCH_PV /* the paravirtualized build has its own start (arch-pv/entry.S) */
  .section .text.entry, "ax"
  .globl _start
_start:
  /* a0 = hartid, a1 = DTB physical address (from the firmware); satp = 0, interrupts off. */
  la sp, boot_stack_top
  ZERO_BSS __bss_start, __bss_end
  call kmain
3:
  j 3b
#endif

  .text
  .balign 4
  .globl arch_trap_vector
arch_trap_vector:
  csrrw sp, sscratch, sp
  beqz sp, from_kernel

  /* From U-mode: sp = this process's trapframe, sscratch = user sp. */
  SAVE_GPRS sp
  csrr t0, sscratch
  sw t0, REG_SP*4(sp)
  SAVE_TRAP_CSRS
  csrw sscratch, zero
  /* The kernel stack grows down from just below the trapframe. s0 is callee-saved, so it
   * still holds the trapframe after the call (the process may have been switched out and back
   * in meanwhile, but always resumes on its own stack). */
  mv s0, sp
  mv a0, sp
  call arch_user_trap
  mv a0, s0
  j arch_return_to_user

from_kernel:
  csrrw sp, sscratch, sp      /* sp restored, sscratch = 0 again */
  addi sp, sp, -TF_SIZE
  SAVE_GPRS sp
  addi t0, sp, TF_SIZE
  sw t0, REG_SP*4(sp)
  SAVE_TRAP_CSRS
  mv a0, sp
  call arch_kernel_trap
  lw t0, TF_PC(sp)
  csrw sepc, t0
  lw t0, TF_STATUS(sp)
  csrw sstatus, t0
  RESTORE_GPRS sp
  addi sp, sp, TF_SIZE
  sret

  /* void arch_return_to_user(struct trapframe *tf): enter U-mode with the registers in tf. */
  .globl arch_return_to_user
arch_return_to_user:
  csrw sscratch, a0
  lw t0, TF_PC(a0)
  csrw sepc, t0
  li t0, SSTATUS_SPP
  csrc sstatus, t0            /* sret goes to U-mode */
  li t0, SSTATUS_SPIE
  csrs sstatus, t0
  RESTORE_GPRS a0, REG_A0
  lw sp, REG_SP*4(a0)
  lw a0, REG_A0*4(a0)
  sret

  /* void arch_switch_context(struct context *save, struct context *load) */
  .globl arch_switch_context
arch_switch_context:
  sw ra, 0(a0)
  sw sp, 4(a0)
  sw s0, 8(a0)
  sw s1, 12(a0)
  sw s2, 16(a0)
  sw s3, 20(a0)
  sw s4, 24(a0)
  sw s5, 28(a0)
  sw s6, 32(a0)
  sw s7, 36(a0)
  sw s8, 40(a0)
  sw s9, 44(a0)
  sw s10, 48(a0)
  sw s11, 52(a0)
  lw ra, 0(a1)
  lw sp, 4(a1)
  lw s0, 8(a1)
  lw s1, 12(a1)
  lw s2, 16(a1)
  lw s3, 20(a1)
  lw s4, 24(a1)
  lw s5, 28(a1)
  lw s6, 32(a1)
  lw s7, 36(a1)
  lw s8, 40(a1)
  lw s9, 44(a1)
  lw s10, 48(a1)
  lw s11, 52(a1)
  ret

  .bss
  .balign 16
boot_stack:
  .space 16384
  .globl boot_stack_top
boot_stack_top:
