/* Trap vector, boot entry, return to user and kernel context switch (RISC-V, S-mode).
 *
 * sscratch protocol: while a process runs in U-mode, sscratch holds the address of its trapframe
 * (which sits at the top of its kernel stack); while the kernel runs, sscratch is 0. The vector
 * swaps sp with sscratch: a non-zero result means "came from user" and sp now points at the
 * trapframe; zero means the trap interrupted the kernel itself (only the idle loop takes
 * interrupts; anything else there is a kernel fault), so sp is swapped back and the state is
 * saved on the current kernel stack. */

#define TF_PC     128
#define TF_STATUS 132
#define TF_CAUSE  136
#define TF_TVAL   140
#define TF_SIZE   144
#define SSTATUS_SPIE (1 << 5)
#define SSTATUS_SPP  (1 << 8)

  .section .text.entry, "ax"
  .globl _start
_start:
  /* a0 = hartid, a1 = DTB physical address (from the firmware); satp = 0, interrupts off. */
  la sp, boot_stack_top
  la t0, __bss_start
  la t1, __bss_end
1:
  bgeu t0, t1, 2f
  sw zero, 0(t0)
  addi t0, t0, 4
  j 1b
2:
  call kmain
3:
  j 3b

  .text
  .balign 4
  .globl arch_trap_vector
arch_trap_vector:
  csrrw sp, sscratch, sp
  beqz sp, from_kernel

  /* From U-mode: sp = this process's trapframe, sscratch = user sp. */
  sw x1, 4(sp)
  sw x3, 12(sp)
  sw x4, 16(sp)
  sw x5, 20(sp)
  sw x6, 24(sp)
  sw x7, 28(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x18, 72(sp)
  sw x19, 76(sp)
  sw x20, 80(sp)
  sw x21, 84(sp)
  sw x22, 88(sp)
  sw x23, 92(sp)
  sw x24, 96(sp)
  sw x25, 100(sp)
  sw x26, 104(sp)
  sw x27, 108(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  csrr t0, sscratch
  sw t0, 8(sp)
  csrr t0, sepc
  sw t0, TF_PC(sp)
  csrr t0, sstatus
  sw t0, TF_STATUS(sp)
  csrr t0, scause
  sw t0, TF_CAUSE(sp)
  csrr t0, stval
  sw t0, TF_TVAL(sp)
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
  sw x1, 4(sp)
  sw x3, 12(sp)
  sw x4, 16(sp)
  sw x5, 20(sp)
  sw x6, 24(sp)
  sw x7, 28(sp)
  sw x8, 32(sp)
  sw x9, 36(sp)
  sw x10, 40(sp)
  sw x11, 44(sp)
  sw x12, 48(sp)
  sw x13, 52(sp)
  sw x14, 56(sp)
  sw x15, 60(sp)
  sw x16, 64(sp)
  sw x17, 68(sp)
  sw x18, 72(sp)
  sw x19, 76(sp)
  sw x20, 80(sp)
  sw x21, 84(sp)
  sw x22, 88(sp)
  sw x23, 92(sp)
  sw x24, 96(sp)
  sw x25, 100(sp)
  sw x26, 104(sp)
  sw x27, 108(sp)
  sw x28, 112(sp)
  sw x29, 116(sp)
  sw x30, 120(sp)
  sw x31, 124(sp)
  addi t0, sp, TF_SIZE
  sw t0, 8(sp)
  csrr t0, sepc
  sw t0, TF_PC(sp)
  csrr t0, sstatus
  sw t0, TF_STATUS(sp)
  csrr t0, scause
  sw t0, TF_CAUSE(sp)
  csrr t0, stval
  sw t0, TF_TVAL(sp)
  mv a0, sp
  call arch_kernel_trap
  lw t0, TF_PC(sp)
  csrw sepc, t0
  lw t0, TF_STATUS(sp)
  csrw sstatus, t0
  lw x1, 4(sp)
  lw x3, 12(sp)
  lw x4, 16(sp)
  lw x5, 20(sp)
  lw x6, 24(sp)
  lw x7, 28(sp)
  lw x8, 32(sp)
  lw x9, 36(sp)
  lw x10, 40(sp)
  lw x11, 44(sp)
  lw x12, 48(sp)
  lw x13, 52(sp)
  lw x14, 56(sp)
  lw x15, 60(sp)
  lw x16, 64(sp)
  lw x17, 68(sp)
  lw x18, 72(sp)
  lw x19, 76(sp)
  lw x20, 80(sp)
  lw x21, 84(sp)
  lw x22, 88(sp)
  lw x23, 92(sp)
  lw x24, 96(sp)
  lw x25, 100(sp)
  lw x26, 104(sp)
  lw x27, 108(sp)
  lw x28, 112(sp)
  lw x29, 116(sp)
  lw x30, 120(sp)
  lw x31, 124(sp)
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
  lw x1, 4(a0)
  lw x3, 12(a0)
  lw x4, 16(a0)
  lw x5, 20(a0)
  lw x6, 24(a0)
  lw x7, 28(a0)
  lw x8, 32(a0)
  lw x9, 36(a0)
  lw x11, 44(a0)
  lw x12, 48(a0)
  lw x13, 52(a0)
  lw x14, 56(a0)
  lw x15, 60(a0)
  lw x16, 64(a0)
  lw x17, 68(a0)
  lw x18, 72(a0)
  lw x19, 76(a0)
  lw x20, 80(a0)
  lw x21, 84(a0)
  lw x22, 88(a0)
  lw x23, 92(a0)
  lw x24, 96(a0)
  lw x25, 100(a0)
  lw x26, 104(a0)
  lw x27, 108(a0)
  lw x28, 112(a0)
  lw x29, 116(a0)
  lw x30, 120(a0)
  lw x31, 124(a0)
  lw sp, 8(a0)
  lw a0, 40(a0)
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
