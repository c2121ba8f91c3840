/**
 * Integer register names.
 *
 * @module
 */
import { checkInteger } from './errors.js';

/** ABI names of x0…x31, as LLVM prints them (`s0`, not `fp`). */
export const REGISTER_NAMES: readonly string[] = Object.freeze([
  'zero',
  'ra',
  'sp',
  'gp',
  'tp',
  't0',
  't1',
  't2',
  's0',
  's1',
  'a0',
  'a1',
  'a2',
  'a3',
  'a4',
  'a5',
  'a6',
  'a7',
  's2',
  's3',
  's4',
  's5',
  's6',
  's7',
  's8',
  's9',
  's10',
  's11',
  't3',
  't4',
  't5',
  't6',
]);

const BY_NAME = new Map<string, number>();
REGISTER_NAMES.forEach((name, index) => {
  BY_NAME.set(name, index);
});
for (let i = 0; i < 32; i++) BY_NAME.set(`x${i}`, i);
BY_NAME.set('fp', 8);

/**
 * ABI name of register `index`.
 *
 * @param index an integer in 0…31
 * @throws {@link IsaError} `BAD_ARGUMENT` for anything else
 */
export function registerName(index: number): string {
  return REGISTER_NAMES[checkInteger(index, 'registerName: index', 0, 31)] as string;
}

/** Register number of an ABI name, `xN` or `fp` (case-insensitive), or `undefined`. */
export function registerNumber(name: string): number | undefined {
  return BY_NAME.get(name.toLowerCase());
}
