/**
 * `trapeze disasm`: disassembles a raw binary, the executable sections of an ELF file, or
 * instruction words given in hexadecimal, in `llvm-objdump` syntax or as TSV.
 *
 * @module
 */
import { type ElfFile, isElf, parseElf } from '@trapeze/isa';
import { parseArgs } from '../args.js';
import { type Command, HELP_OPTION, warn } from '../command.js';
import { invalidElf, UsageError } from '../errors.js';
import { hexTokens, hexWordsToBytes } from '../hex-words.js';
import { type Io, readInput } from '../io.js';
import { decoderFor, ISA_OPTION, isaOption } from '../isa-option.js';
import {
  bytesHex,
  type ListingFormat,
  type ListingOptions,
  type ListingResult,
  listBytes,
} from '../listing.js';
import { hex, parseAddress } from '../numbers.js';
import { LineWriter } from '../output.js';
import { SymbolTable } from '../symbols.js';

const NAME = 'disasm';
const SHF_ALLOC = 0x2;
const SHT_NOBITS = 8;

const FORMATS: readonly ListingFormat[] = ['text', 'tsv'];

function parseFormat(value: string | undefined): ListingFormat {
  if (value === undefined) return 'text';
  const format = FORMATS.find((f) => f === value);
  if (format === undefined) {
    throw new UsageError(
      'BAD_VALUE',
      `--format '${value}' is not one of: ${FORMATS.join(', ')}`,
      NAME,
    );
  }
  return format;
}

/** `-M no-aliases`, as `llvm-objdump` spells it. */
function parseDisassemblerOptions(value: string | undefined): boolean {
  if (value === undefined) return false;
  for (const option of value.split(',')) {
    if (option !== 'no-aliases') {
      throw new UsageError(
        'BAD_VALUE',
        `-M '${option}' is not a disassembler option (supported: no-aliases)`,
        NAME,
      );
    }
  }
  return true;
}

function reportTruncated(io: Io, where: string, result: ListingResult): void {
  const slot = result.truncated;
  if (slot === null) return;
  const n = slot.bytes.length;
  const needed = ((slot.bytes[0] as number) & 3) === 3 ? 4 : 2;
  warn(
    io,
    NAME,
    `${where}: ${n} trailing byte${n === 1 ? '' : 's'} at 0x${hex(slot.address, 8)} (${bytesHex(slot.bytes)}) ` +
      `cut short a ${needed}-byte instruction`,
  );
}

function listElf(
  io: Io,
  file: string,
  elf: ElfFile,
  options: ListingOptions,
  out: LineWriter,
): void {
  if (options.format === 'text') out.push('', `${file}:\tfile format elf32-littleriscv`);
  const symbols = new SymbolTable(
    elf.sections.map((s, index) => ({ ...s, index })).filter((s) => (s.flags & SHF_ALLOC) !== 0),
    elf.symbols,
  );
  let listed = 0;
  elf.sections.forEach((section, index) => {
    if (!section.executable || section.type === SHT_NOBITS || section.data.length === 0) return;
    listed++;
    if (options.format === 'text') out.push('', `Disassembly of section ${section.name}:`);
    const result = listBytes(
      section.data,
      section.address,
      { ...options, symbols, section: { index, name: section.name } },
      out,
    );
    out.flush(); // the listing before its warning, on a terminal
    reportTruncated(io, `${file}: section ${section.name}`, result);
  });
  if (listed === 0) warn(io, NAME, `${file}: no executable section with contents to disassemble`);
}

async function hexInput(io: Io, words: readonly string[]): Promise<Uint8Array> {
  const fromStdin = words.length === 0;
  const tokens = fromStdin ? hexTokens(await io.readStdin()) : hexTokens(words.join(' '));
  if (tokens.length === 0) {
    throw new UsageError(
      'MISSING_ARGUMENT',
      fromStdin
        ? '--hex: no instruction words on standard input'
        : '--hex: no instruction words given',
      NAME,
    );
  }
  return hexWordsToBytes(tokens, NAME);
}

/** `trapeze disasm`. */
export const disasm: Command = {
  name: NAME,
  summary: 'disassemble a raw binary, an ELF file, or hexadecimal instruction words',
  synopsis: ['disasm [options] FILE', 'disasm --hex [options] [WORD...]'],
  description: [
    [
      'Disassembles FILE in llvm-objdump syntax. An ELF file (ELF32 RISC-V) is listed section',
      'by section: every executable section, with a label at each symbol and branch targets',
      'annotated with the nearest symbol. Any other file is a raw binary loaded at --base.',
      'Each instruction is 2 bytes when the low two bits of its first byte are not 11, else 4;',
      'illegal encodings print <unknown>; bytes that end in the middle of an instruction are',
      'listed as <truncated> and reported on standard error.',
    ],
    [
      'With --hex, the operands (or standard input when there are none) are instruction words',
      'in hexadecimal, with or without 0x, separated by spaces, commas or newlines; # starts a',
      'comment. A value up to 0xffff whose low two bits are not 11 is a 16-bit instruction.',
    ],
    [
      'Output lines are "address: bytes<TAB>text". --format=tsv prints',
      '"address<TAB>encoding<TAB>text" instead: address and encoding in hexadecimal without',
      '0x, text with a space after the mnemonic, no headers or labels.',
    ],
  ],
  options: [
    { name: 'hex', description: 'disassemble hexadecimal words from the operands or stdin' },
    { name: 'no-aliases', description: 'canonical instructions only (addi, not li or mv)' },
    {
      name: 'disassembler-options',
      short: 'M',
      value: 'OPT',
      description: 'llvm-objdump spelling: -M no-aliases',
    },
    { name: 'format', value: 'FORMAT', description: 'text (the default) or tsv' },
    {
      name: 'base',
      value: 'ADDR',
      description: 'address of the first byte of a raw binary or --hex words (default 0)',
    },
    ISA_OPTION,
    HELP_OPTION,
  ],
  examples: [
    'disasm program.elf',
    'disasm --base 0x80000000 program.bin',
    'disasm --hex 0x00a58533 13 0x4505',
    'disasm --hex --format=tsv --no-aliases < words.txt',
  ],
  exitStatus: [
    'Exit status: 0 disassembled (<unknown> and <truncated> instructions included); 2 usage',
    'errors and bad input (unknown option, unreadable FILE, malformed ELF, a bad hexadecimal word).',
  ],
  async run(argv, io) {
    const args = parseArgs(argv, disasm.options, NAME);
    const decoder = decoderFor(isaOption(args.values.get('isa'), NAME));
    const format = parseFormat(args.values.get('format'));
    const noAliases =
      parseDisassemblerOptions(args.values.get('disassembler-options')) ||
      args.flags.has('no-aliases');
    const baseText = args.values.get('base');
    const base = baseText === undefined ? 0 : parseAddress(baseText, '--base', NAME);
    const options: ListingOptions = { decoder, format, aliases: !noAliases };

    const out = new LineWriter((text) => io.stdout(text));
    if (args.flags.has('hex')) {
      const bytes = await hexInput(io, args.positionals);
      listBytes(bytes, base, options, out);
    } else {
      const [file, extra] = args.positionals;
      if (file === undefined) {
        throw new UsageError('MISSING_ARGUMENT', 'no input file (or --hex words) given', NAME);
      }
      if (extra !== undefined) {
        throw new UsageError(
          'EXTRA_ARGUMENT',
          `one input file at a time (got '${file}' and '${extra}')`,
          NAME,
        );
      }
      const bytes = await readInput(io, file, NAME);
      if (isElf(bytes)) {
        if (baseText !== undefined) {
          throw new UsageError(
            'CONFLICTING_OPTIONS',
            `--base applies to raw binaries; '${file}' is an ELF file, which has its own addresses`,
            NAME,
          );
        }
        let elf: ElfFile;
        try {
          elf = parseElf(bytes);
        } catch (error) {
          throw invalidElf(file, error, NAME);
        }
        listElf(io, file, elf, options, out);
      } else {
        if (bytes.length === 0) warn(io, NAME, `'${file}' is empty`);
        const result = listBytes(bytes, base, options, out);
        out.flush();
        reportTruncated(io, file, result);
      }
    }
    out.flush();
    return 0;
  },
};
