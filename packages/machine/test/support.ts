import { createHash } from 'node:crypto';
import { CORE_KINDS, type CoreKind } from '@trapeze/cpu';
import { assemble, elfImage } from '@trapeze/isa';
import type { VirtMachine } from '../src/virt-machine.js';

/**
 * The cores every test that runs guest code runs on (`describe.each(CORES)`): the interpreter
 * (the reference) and the translator.
 */
export const CORES: readonly CoreKind[] = CORE_KINDS;
export type { CoreKind };

/** Assembles `source` at RAM_BASE into an ELF executable. */
export function elfOf(source: string): Uint8Array {
  return elfImage(assemble(source, { textAddress: 0x80000000 }));
}

/**
 * `compute`, run once per list of arguments (compared as JSON) and its result kept: a slow
 * reference (a QEMU run) computed for the first core's test and compared with by the other's.
 */
export function memoize<A extends readonly unknown[], V>(
  compute: (...args: A) => V,
): (...args: A) => V {
  const results = new Map<string, V>();
  return (...args) => {
    const key = JSON.stringify(args);
    if (!results.has(key)) results.set(key, compute(...args));
    return results.get(key) as V;
  };
}

/** A digest of the whole of a machine's RAM (SHA-1: a fingerprint, and fast on 128 MiB). */
export function ramDigest(machine: VirtMachine): string {
  return createHash('sha1').update(machine.ram.u8).digest('hex');
}

/**
 * What a guest can observe of a machine, for comparing two machines (or two cores): pc,
 * registers, privilege, CSRs, instret and virtual time, and a digest of RAM. Nothing of the
 * core itself (its statistics, its translation cache) is in it.
 */
export function guestState(machine: VirtMachine) {
  return {
    hart: machine.hart.snapshot(),
    csr: machine.hart.csr.snapshot(),
    retired: machine.hart.retired,
    ns: machine.clock.ns,
    ram: ramDigest(machine),
  };
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
