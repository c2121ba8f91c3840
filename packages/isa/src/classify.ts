/**
 * Instruction classes in the sense of Popek and Goldberg, per instruction and per
 * privilege mode:
 *
 * - **privileged**: traps when executed in this mode (so a hypervisor running the guest
 *   deprivileged gets control and can emulate it);
 * - **sensitive**: control-sensitive (changes the machine's configuration: privilege,
 *   translation, interrupts, traps) or behaviour-sensitive (its result depends on them),
 *   and does not trap in this mode — or traps only when a hypervisor-controlled bit says so;
 * - **innocuous**: neither.
 *
 * See `docs/isa.md` for the argument that RV32 is classically virtualizable.
 *
 * @module
 */
import { csrPrivilege, csrReadOnly } from './csr.js';
import type { Instruction } from './instruction.js';

/** A privilege mode of the hart. */
export type PrivilegeMode = 'U' | 'S' | 'M';

/** Whether an instruction traps in a mode. */
export type TrapBehaviour = 'always' | 'never' | 'configurable';

/** The class of an instruction in one privilege mode. */
export interface Classification {
  readonly class: 'privileged' | 'sensitive' | 'innocuous';
  readonly traps: TrapBehaviour;
  /** Control-sensitive, behaviour-sensitive, both, or neither (`null`). */
  readonly sensitivity: 'control' | 'behaviour' | 'both' | null;
  /** For `configurable`: the bit that makes it trap (`mstatus.TVM`, `mcounteren`, …). */
  readonly trapControl: string | null;
  /** Why, in a sentence. */
  readonly reason: string;
}

const LEVEL: Readonly<Record<string, number>> = { U: 0, S: 1, H: 1, M: 3, D: 4 };

function result(
  klass: Classification['class'],
  traps: TrapBehaviour,
  sensitivity: Classification['sensitivity'],
  reason: string,
  trapControl: string | null = null,
): Classification {
  return { class: klass, traps, sensitivity, trapControl, reason };
}

const COUNTERS = new Set([0xc00, 0xc01, 0xc02, 0xc80, 0xc81, 0xc82]);
function isCounter(csr: number): boolean {
  return COUNTERS.has(csr) || (csr >= 0xc03 && csr <= 0xc1f) || (csr >= 0xc83 && csr <= 0xc9f);
}

/** Whether a Zicsr instruction writes its CSR (CSRRS/CSRRC with x0 or a zero immediate do not). */
export function csrWrites(i: Instruction): boolean {
  const name = i.spec.name;
  if (name === 'csrrw' || name === 'csrrwi') return true;
  if (name === 'csrrs' || name === 'csrrc') return i.rs1 !== 0;
  return i.imm !== 0;
}

/** Whether a Zicsr instruction reads its CSR (CSRRW/CSRRWI with rd = x0 do not). */
export function csrReads(i: Instruction): boolean {
  const name = i.spec.name;
  return !((name === 'csrrw' || name === 'csrrwi') && i.rd === 0);
}

function classifyCsr(i: Instruction, mode: PrivilegeMode): Classification {
  const csr = i.csr;
  const level = LEVEL[csrPrivilege(csr)] as number;
  const writes = csrWrites(i);
  const name = `CSR 0x${csr.toString(16).padStart(3, '0')}`;
  if (writes && csrReadOnly(csr))
    return result(
      'privileged',
      'always',
      null,
      `${name} is read-only: writing it raises an illegal-instruction trap in every mode`,
    );
  if (level > (LEVEL[mode] as number)) {
    const sensitivity = writes && csrReads(i) ? 'both' : writes ? 'control' : 'behaviour';
    return result(
      'privileged',
      'always',
      sensitivity,
      `${name} needs ${csrPrivilege(csr)}-mode: the access traps in ${mode}-mode`,
    );
  }
  if (isCounter(csr) && mode === 'M') {
    return result(
      'sensitive',
      'never',
      'behaviour',
      `${name} is a counter: its value reveals time and progress`,
    );
  }
  if (isCounter(csr)) {
    const control = mode === 'U' ? 'mcounteren/scounteren' : 'mcounteren';
    return result(
      'sensitive',
      'configurable',
      'behaviour',
      `${name} is a counter: readable from ${mode}-mode unless ${control} clears its bit, which makes the read trap`,
      control,
    );
  }
  if (level === 0) return result('innocuous', 'never', null, `${name} is unprivileged user state`);
  if (csr === 0x180 && mode === 'S') {
    return result(
      'sensitive',
      'configurable',
      writes ? 'both' : 'behaviour',
      'satp in S-mode traps when mstatus.TVM = 1',
      'mstatus.TVM',
    );
  }
  const sensitivity = writes && csrReads(i) ? 'both' : writes ? 'control' : 'behaviour';
  return result(
    'sensitive',
    'never',
    sensitivity,
    `${name} is ${csrPrivilege(csr)}-mode state, accessible in ${mode}-mode`,
  );
}

/**
 * Classifies a decoded instruction executed in `mode`. Illegal encodings always trap.
 *
 * @example
 * ```ts
 * import { classify, decode } from '@trapeze/isa';
 *
 * // csrr a0, mstatus in a guest kernel run deprivileged in U-mode: it traps, and can be emulated.
 * classify(decode(0x30002573), 'U'); // → { class: 'privileged', traps: 'always' }
 * // The same instruction where it is legal reads machine state without trapping.
 * classify(decode(0x30002573), 'M').class; // → 'sensitive'
 * classify(decode(0x00a58533), 'U').class; // → 'innocuous'
 * ```
 */
export function classify(i: Instruction, mode: PrivilegeMode): Classification {
  if (!i.legal)
    return result(
      'privileged',
      'always',
      null,
      'illegal encoding: raises an illegal-instruction trap',
    );
  const name = i.size === 2 ? (i.spec.expansion?.name ?? i.spec.name) : i.spec.name;
  switch (i.spec.extension) {
    case 'Zicsr':
      return classifyCsr(i, mode);
    case 'H':
      return mode === 'U'
        ? result('privileged', 'always', 'both', 'hypervisor instructions trap below HS-mode')
        : result('sensitive', 'never', 'both', 'hypervisor instructions act on guest translation');
    default:
      break;
  }
  switch (name) {
    case 'ecall':
    case 'ebreak':
      return result(
        'privileged',
        'always',
        'behaviour',
        `${name} always traps; the cause depends on the mode`,
      );
    case 'mret':
      return mode === 'M'
        ? result(
            'sensitive',
            'never',
            'control',
            'mret changes the privilege mode and interrupt enables',
          )
        : result('privileged', 'always', 'control', `mret traps below M-mode`);
    case 'sret':
      if (mode === 'U') return result('privileged', 'always', 'control', 'sret traps in U-mode');
      if (mode === 'S')
        return result(
          'sensitive',
          'configurable',
          'control',
          'sret in S-mode traps when mstatus.TSR = 1',
          'mstatus.TSR',
        );
      return result(
        'sensitive',
        'never',
        'control',
        'sret changes the privilege mode and interrupt enables',
      );
    case 'wfi':
      if (mode === 'U')
        return result(
          'privileged',
          'always',
          'control',
          'wfi traps in U-mode when S-mode exists (as on QEMU)',
        );
      if (mode === 'S')
        return result(
          'sensitive',
          'configurable',
          'control',
          'wfi in S-mode traps when mstatus.TW = 1',
          'mstatus.TW',
        );
      return result('sensitive', 'never', 'control', 'wfi stops the hart until an interrupt');
    case 'sfence.vma':
      if (mode === 'U')
        return result('privileged', 'always', 'control', 'sfence.vma traps in U-mode');
      if (mode === 'S')
        return result(
          'sensitive',
          'configurable',
          'control',
          'sfence.vma in S-mode traps when mstatus.TVM = 1',
          'mstatus.TVM',
        );
      return result('sensitive', 'never', 'control', 'sfence.vma orders translation updates');
    default:
      return result('innocuous', 'never', null, 'touches only registers and translated memory');
  }
}
