/**
 * The `--isa` option shared by `disasm` and `asm`, and decoders for it.
 *
 * @module
 */
import {
  createDecoder,
  decode,
  type Instruction,
  type IsaConfig,
  IsaStringError,
  parseIsa,
  RV32IMAC,
} from '@trapeze/isa';
import type { OptionSpec } from './args.js';
import { UsageError } from './errors.js';

/** `--isa STRING`. */
export const ISA_OPTION: OptionSpec = {
  name: 'isa',
  value: 'ISA',
  description: 'extensions to accept, e.g. rv32imac (the default), rv32ima, rv32imach',
};

/**
 * The ISA named by `--isa`, RV32IMAC when absent.
 *
 * @throws {@link UsageError} with the reason the string was rejected.
 */
export function isaOption(value: string | undefined, command: string): IsaConfig {
  if (value === undefined) return RV32IMAC;
  try {
    return parseIsa(value);
  } catch (error) {
    if (error instanceof IsaStringError) {
      throw new UsageError('BAD_VALUE', `--isa: ${error.message}`, command);
    }
    throw error;
  }
}

/** What listings need of a decoder. */
export interface WordDecoder {
  decode(word: number): Instruction;
}

const decoders = new Map<string, WordDecoder>([[RV32IMAC.name, { decode }]]);

/**
 * A decoder for `isa`. RV32IMAC uses the isa package's ready-made decoder; others are built
 * once (building one takes a while) and kept.
 */
export function decoderFor(isa: IsaConfig): WordDecoder {
  let decoder = decoders.get(isa.name);
  if (decoder === undefined) {
    decoder = createDecoder(isa);
    decoders.set(isa.name, decoder);
  }
  return decoder;
}
