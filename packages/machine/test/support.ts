import { assemble, elfImage } from '@trapeze/isa';

/** Assembles `source` at RAM_BASE into an ELF executable. */
export function elfOf(source: string): Uint8Array {
  return elfImage(assemble(source, { textAddress: 0x80000000 }));
}

/** GNU as helpers for test guests: print a register in hex to the UART, and exit. */
export const LIBRARY = `
puthex:                      # a0: value; prints 8 hex digits and a newline
    addi sp, sp, -16
    sw ra, 12(sp); sw s0, 8(sp); sw s1, 4(sp)
    mv s0, a0; li s1, 8
1:  srli a0, s0, 28; slli s0, s0, 4
    li t3, 10; blt a0, t3, 2f; addi a0, a0, 'a' - 10; j 3f
2:  addi a0, a0, '0'
3:  call putc
    addi s1, s1, -1; bnez s1, 1b
    li a0, '\\n'; call putc
    lw ra, 12(sp); lw s0, 8(sp); lw s1, 4(sp)
    addi sp, sp, 16
    ret
putc:                        # a0: byte
    li t3, 0x10000000
1:  lbu t4, 5(t3); andi t4, t4, 0x20; beqz t4, 1b
    sb a0, 0(t3)
    ret
pass:
    li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0)
1:  j 1b
`;
