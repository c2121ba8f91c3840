/**
 * `trapeze asm`: assembles GNU as source into a raw memory image or an ELF executable.
 *
 * @module
 */
import { AssembleError, type AssembleResult, assemble, elfImage } from '@trapeze/isa';
import { parseArgs } from '../args.js';
import { type Command, HELP_OPTION, warn } from '../command.js';
import { formatAssemblyError } from '../diagnostics.js';
import { CommandFailed, UsageError } from '../errors.js';
import { ImageError, rawImage } from '../image.js';
import { describeFileError, readInput } from '../io.js';
import { ISA_OPTION, isaOption } from '../isa-option.js';
import { hex, parseAddress } from '../numbers.js';

const NAME = 'asm';

/** Default address of `.text`: where QEMU's `virt` board has RAM. */
export const DEFAULT_BASE = 0x80000000;

function decodeSource(bytes: Uint8Array, file: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new UsageError('BAD_INPUT', `'${file}' is not UTF-8 text`, NAME);
  }
}

function entryName(result: AssembleResult): string {
  const symbol = result.symbols.find((s) => s.value === result.entry && s.section !== null);
  return symbol === undefined ? '' : ` (${symbol.name})`;
}

/** `trapeze asm`. */
export const asm: Command = {
  name: NAME,
  summary: 'assemble GNU as source into a raw binary or an ELF executable',
  synopsis: ['asm [options] FILE.S -o OUT'],
  description: [
    [
      'Assembles FILE.S (GNU as syntax, RV32IMAC with Zicsr and Zifencei) with .text at --base',
      'and .data after it. Symbols resolve at assembly time: the output is ready to load.',
      'Instructions are compressed automatically where the C extension allows it (as with',
      '.option rvc); --no-rvc turns that off.',
    ],
    [
      'OUT is a raw memory image: the bytes from the start of the first section to the end of',
      'the last one with contents, gaps filled with zeros (.bss is left to the loader). With',
      '--elf, OUT is an ELF32 executable with the sections, the symbols and the entry point',
      '(_start, or the start of .text).',
    ],
    [
      'Errors are printed as file:line:column: error: reason, every one of them, and the exit',
      'status is 1.',
    ],
  ],
  options: [
    { name: 'output', short: 'o', value: 'OUT', description: 'file to write (required)' },
    { name: 'elf', description: 'write an ELF32 executable instead of a raw binary' },
    {
      name: 'base',
      value: 'ADDR',
      description: `address of .text (default 0x${hex(DEFAULT_BASE, 8)})`,
    },
    { name: 'no-rvc', description: 'do not compress instructions automatically' },
    ISA_OPTION,
    HELP_OPTION,
  ],
  examples: [
    'asm hello.S -o hello.bin',
    'asm --elf hello.S -o hello.elf',
    'asm --base 0 --no-rvc boot.S -o boot.bin',
  ],
  exitStatus: [
    'Exit status: 0 assembled; 1 assembly errors, or OUT cannot be written; 2 usage errors and',
    'bad input (unknown option, missing -o, unreadable FILE.S).',
  ],
  async run(argv, io) {
    const args = parseArgs(argv, asm.options, NAME);
    const isa = isaOption(args.values.get('isa'), NAME);
    const baseText = args.values.get('base');
    const base = baseText === undefined ? DEFAULT_BASE : parseAddress(baseText, '--base', NAME);
    const [file, extra] = args.positionals;
    if (file === undefined) throw new UsageError('MISSING_ARGUMENT', 'no source file given', NAME);
    if (extra !== undefined) {
      throw new UsageError(
        'EXTRA_ARGUMENT',
        `one source file at a time (got '${file}' and '${extra}')`,
        NAME,
      );
    }
    const output = args.values.get('output');
    if (output === undefined) {
      throw new UsageError('MISSING_ARGUMENT', 'no output file given (-o OUT)', NAME);
    }
    if (output === file) {
      throw new UsageError(
        'CONFLICTING_OPTIONS',
        `-o '${output}' would overwrite the source file`,
        NAME,
      );
    }
    const source = decodeSource(await readInput(io, file, NAME), file);

    let result: AssembleResult;
    try {
      result = assemble(source, {
        textAddress: base,
        file,
        isa,
        compress: !args.flags.has('no-rvc'),
      });
    } catch (error) {
      if (error instanceof AssembleError) {
        const lines = source.split(/\r?\n/);
        const n = error.errors.length;
        throw new CommandFailed([
          ...error.errors.flatMap((e) => formatAssemblyError(e, lines)),
          `${n} error${n === 1 ? '' : 's'} generated.`,
        ]);
      }
      throw error;
    }

    let bytes: Uint8Array;
    if (args.flags.has('elf')) {
      bytes = elfImage(result);
    } else {
      let image: ReturnType<typeof rawImage>;
      try {
        image = rawImage(result.sections);
      } catch (error) {
        if (error instanceof ImageError) {
          throw new CommandFailed([`trapeze ${NAME}: error: ${file}: ${error.message}`]);
        }
        throw error;
      }
      bytes = image.bytes;
      if (bytes.length === 0) {
        warn(io, NAME, `${file}: no code or data: '${output}' is empty`);
      } else if (result.entry !== image.address) {
        warn(
          io,
          NAME,
          `${file}: the entry point 0x${hex(result.entry, 8)}${entryName(result)} is not the first byte ` +
            `of the raw image (0x${hex(image.address, 8)}); use --elf to keep it`,
        );
      }
    }
    try {
      await io.writeFile(output, bytes);
    } catch (error) {
      throw new CommandFailed([
        `trapeze ${NAME}: error: cannot write '${output}': ${describeFileError(error)}`,
      ]);
    }
    return 0;
  },
};
