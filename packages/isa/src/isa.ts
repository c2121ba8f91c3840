/**
 * ISA configurations: which extensions a decoder, assembler or hart accepts.
 *
 * @module
 */
import type { Extension } from './spec.js';

/** A set of enabled extensions, with the ISA string it was made from. */
export interface IsaConfig {
  /** Canonical ISA string, for example `rv32imac_zicsr_zifencei`. */
  readonly name: string;
  readonly extensions: ReadonlySet<Extension>;
}

/** Error for an ISA string that names something Trapeze does not implement. */
export class IsaStringError extends Error {
  readonly code = 'ISA_STRING';
  constructor(message: string) {
    super(message);
    this.name = 'IsaStringError';
  }
}

const SINGLE_LETTER: Readonly<Record<string, Extension>> = {
  i: 'I',
  m: 'M',
  a: 'A',
  c: 'C',
  h: 'H',
};
const ORDER: readonly Extension[] = ['I', 'M', 'A', 'C', 'H', 'Zicsr', 'Zifencei', 'Priv'];

function canonicalName(extensions: ReadonlySet<Extension>): string {
  let letters = '';
  const multi: string[] = [];
  for (const ext of ORDER) {
    if (!extensions.has(ext) || ext === 'Priv') continue;
    if (ext.length === 1) letters += ext.toLowerCase();
    else multi.push(ext.toLowerCase());
  }
  return [`rv32${letters}`, ...multi].join('_');
}

/**
 * Parses an ISA string such as `rv32imac`, `rv32imac_zicsr_zifencei` or `rv32imach`.
 * Zicsr and Zifencei are implied (as in clang 14 and GNU as before ISA spec 20191213);
 * the privileged instructions are always present. `g`, `f`, `d` and `q` are rejected:
 * Trapeze has no FPU.
 *
 * @example
 * ```ts
 * import { parseIsa } from '@trapeze/isa';
 *
 * const isa = parseIsa('RV32IMAC');
 * isa.name; // → 'rv32imac_zicsr_zifencei'
 * isa.extensions.has('M'); // → true
 * try {
 *   parseIsa('rv32gc');
 * } catch (error) {
 *   (error as Error).name; // → 'IsaStringError'
 * }
 * ```
 */
export function parseIsa(isa: string): IsaConfig {
  const lower = isa.trim().toLowerCase();
  const match = /^rv32([a-z]*)((?:_[a-z][a-z0-9]*)*)$/.exec(lower);
  if (!match)
    throw new IsaStringError(`ISA string "${isa}" is not of the form rv32<letters>[_<extension>…]`);
  const extensions = new Set<Extension>(['Zicsr', 'Zifencei', 'Priv']);
  const letters = match[1] ?? '';
  if (!letters.startsWith('i') && !letters.startsWith('e')) {
    throw new IsaStringError(`ISA string "${isa}" must start with rv32i`);
  }
  for (const letter of letters) {
    if (letter === 'e') throw new IsaStringError('RV32E is not supported');
    const ext = SINGLE_LETTER[letter];
    if (!ext)
      throw new IsaStringError(
        `extension "${letter}" in "${isa}" is not supported (supported: i, m, a, c, h)`,
      );
    extensions.add(ext);
  }
  for (const part of (match[2] ?? '').split('_').filter(Boolean)) {
    if (part === 'zicsr') extensions.add('Zicsr');
    else if (part === 'zifencei') extensions.add('Zifencei');
    else
      throw new IsaStringError(
        `extension "${part}" in "${isa}" is not supported (supported: zicsr, zifencei)`,
      );
  }
  return { name: canonicalName(extensions), extensions };
}

/** RV32IMAC with Zicsr, Zifencei and the privileged instructions: QEMU's `rv32` `virt` hart without F/D. */
export const RV32IMAC: IsaConfig = parseIsa('rv32imac');

/** RV32IMAC plus the hypervisor extension's instructions. */
export const RV32IMACH: IsaConfig = parseIsa('rv32imach');
