/**
 * RV32M multiply and divide (unprivileged spec, chapter 7).
 *
 * @module
 */
import type { EntryDefinition } from './define.js';
import { registerOp } from './rv32i.js';

/** RV32M. */
export const RV32M: readonly EntryDefinition[] = [
  'mul',
  'mulh',
  'mulhsu',
  'mulhu',
  'div',
  'divu',
  'rem',
  'remu',
].map((name, funct3) => registerOp(name, funct3, 0x01, 'M'));
