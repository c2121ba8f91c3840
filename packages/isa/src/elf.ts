/**
 * Minimal ELF32 little-endian RISC-V reading and writing: enough for the assembler to
 * emit executables and for the disassembler to find executable sections. Every malformed
 * input is answered with an {@link ElfError} that says what is wrong and where.
 *
 * @module
 */

/** `e_machine` of RISC-V. */
export const EM_RISCV = 243;
/** `e_flags` bit: the file uses compressed instructions. */
export const EF_RISCV_RVC = 0x1;

const SHT_PROGBITS = 1;
const SHT_SYMTAB = 2;
const SHT_STRTAB = 3;
const SHT_NOBITS = 8;
const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;
/** `p_type`: an unused program header (its other fields mean nothing). */
export const PT_NULL = 0;
/** `p_type`: a loadable segment, `p_filesz` bytes from the file then zeros up to `p_memsz`. */
export const PT_LOAD = 1;
/** `p_type`: dynamic linking information (`.dynamic`). */
export const PT_DYNAMIC = 2;
/** `p_type`: the path of the program interpreter (the dynamic linker) a program needs. */
export const PT_INTERP = 3;
/** `p_type`: auxiliary information (notes). */
export const PT_NOTE = 4;
/** `p_type`: reserved by the gABI, with unspecified semantics. */
export const PT_SHLIB = 5;
/** `p_type`: the program header table itself. */
export const PT_PHDR = 6;
/** `p_type`: the thread-local storage template. */
export const PT_TLS = 7;
/** First `p_type` of the operating-system-specific range. */
export const PT_LOOS = 0x6000_0000;
/** Last `p_type` of the operating-system-specific range. */
export const PT_HIOS = 0x6fff_ffff;
/** First `p_type` of the processor-specific range. */
export const PT_LOPROC = 0x7000_0000;
/** Last `p_type` of the processor-specific range. */
export const PT_HIPROC = 0x7fff_ffff;
/** `p_type` (GNU): the `.eh_frame_hdr` unwind table. */
export const PT_GNU_EH_FRAME = 0x6474_e550;
/** `p_type` (GNU): the stack's permissions (no file contents). */
export const PT_GNU_STACK = 0x6474_e551;
/** `p_type` (GNU): memory made read-only after relocation. */
export const PT_GNU_RELRO = 0x6474_e552;
/** `p_type` (GNU): the `.note.gnu.property` notes. */
export const PT_GNU_PROPERTY = 0x6474_e553;
/**
 * `p_type` (RISC-V psABI): the `.riscv.attributes` section. GNU ld gives every executable one,
 * with a memory size of 0: it is read from the file, never loaded.
 */
export const PT_RISCV_ATTRIBUTES = 0x7000_0003;

const SEGMENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  [PT_NULL]: 'PT_NULL',
  [PT_LOAD]: 'PT_LOAD',
  [PT_DYNAMIC]: 'PT_DYNAMIC',
  [PT_INTERP]: 'PT_INTERP',
  [PT_NOTE]: 'PT_NOTE',
  [PT_SHLIB]: 'PT_SHLIB',
  [PT_PHDR]: 'PT_PHDR',
  [PT_TLS]: 'PT_TLS',
  [PT_GNU_EH_FRAME]: 'PT_GNU_EH_FRAME',
  [PT_GNU_STACK]: 'PT_GNU_STACK',
  [PT_GNU_RELRO]: 'PT_GNU_RELRO',
  [PT_GNU_PROPERTY]: 'PT_GNU_PROPERTY',
  [PT_RISCV_ATTRIBUTES]: 'PT_RISCV_ATTRIBUTES',
};

/**
 * The name of a program header type (`p_type`): `PT_LOAD`, `PT_RISCV_ATTRIBUTES`…, or for a
 * type without a name here its range and number (`OS-specific 0x60000001`,
 * `processor-specific 0x70000001`, `unknown 0x00000008`).
 */
export function segmentTypeName(type: number): string {
  const t = type >>> 0;
  const name = SEGMENT_TYPE_NAMES[t];
  if (name !== undefined) return name;
  const number = `0x${t.toString(16).padStart(8, '0')}`;
  if (t >= PT_LOOS && t <= PT_HIOS) return `OS-specific ${number}`;
  if (t >= PT_LOPROC && t <= PT_HIPROC) return `processor-specific ${number}`;
  return `unknown ${number}`;
}

/**
 * Whether the ELF gABI or the RISC-V psABI gives `type` a meaning: one of the eight generic
 * types (`PT_NULL` … `PT_TLS`), or a type in the OS-specific or processor-specific range
 * (`PT_GNU_*`, `PT_RISCV_ATTRIBUTES` and any others there, which a loader that does not
 * know them ignores).
 */
function isDefinedSegmentType(type: number): boolean {
  return (type >= PT_NULL && type <= PT_TLS) || (type >= PT_LOOS && type <= PT_HIPROC);
}

const PF_X = 1;
const PF_W = 2;
const PF_R = 4;
const ELF_HEADER_SIZE = 52;
const PROGRAM_HEADER_SIZE = 32;
const SECTION_HEADER_SIZE = 40;
const SYMBOL_SIZE = 16;

/** Error codes of {@link ElfError}. */
export type ElfErrorCode =
  | 'ELF_TOO_SMALL'
  | 'ELF_MAGIC'
  | 'ELF_CLASS'
  | 'ELF_ENDIAN'
  | 'ELF_VERSION'
  | 'ELF_MACHINE'
  | 'ELF_TYPE'
  | 'ELF_HEADER_SIZE'
  | 'ELF_BOUNDS'
  | 'ELF_STRING'
  | 'ELF_SEGMENT_TYPE';

/** A malformed or unsupported ELF file. */
export class ElfError extends Error {
  constructor(
    readonly code: ElfErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'ElfError';
  }
}

/** A section of an ELF file. */
export interface ElfSection {
  readonly name: string;
  readonly type: number;
  readonly flags: number;
  readonly address: number;
  readonly offset: number;
  readonly size: number;
  /** Contents (empty for NOBITS sections such as `.bss`). */
  readonly data: Uint8Array;
  readonly executable: boolean;
}

/**
 * A program header of an ELF file and the bytes it describes: every header of the file, in
 * order, whatever its type (a loader loads the `PT_LOAD` ones).
 */
export interface ElfSegment {
  /** `p_type`: {@link PT_LOAD}, {@link PT_RISCV_ATTRIBUTES}… (see {@link segmentTypeName}). */
  readonly type: number;
  readonly flags: number;
  readonly virtualAddress: number;
  readonly physicalAddress: number;
  /** File bytes of the segment (`p_filesz` of them; none for `PT_NULL`). */
  readonly data: Uint8Array;
  /** Size in memory; bytes past the file data are zero. */
  readonly memorySize: number;
}

/** A symbol of an ELF file. */
export interface ElfSymbol {
  readonly name: string;
  readonly value: number;
  readonly size: number;
  readonly global: boolean;
  /** Section index (0 for undefined, 0xfff1 for absolute). */
  readonly section: number;
}

/** A parsed ELF32 RISC-V file. */
export interface ElfFile {
  readonly type: number;
  readonly entry: number;
  readonly flags: number;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  readonly symbols: readonly ElfSymbol[];
}

/** Whether `bytes` starts with the ELF magic number. */
export function isElf(bytes: Uint8Array): boolean {
  return (
    bytes.length >= 4 &&
    bytes[0] === 0x7f &&
    bytes[1] === 0x45 &&
    bytes[2] === 0x4c &&
    bytes[3] === 0x46
  );
}

function readCString(bytes: Uint8Array, start: number, what: string): string {
  let end = start;
  while (end < bytes.length && bytes[end] !== 0) end++;
  if (end >= bytes.length)
    throw new ElfError('ELF_STRING', `${what}: string at offset ${start} is not terminated`);
  return new TextDecoder().decode(bytes.subarray(start, end));
}

function checkRange(bytes: Uint8Array, offset: number, size: number, what: string): void {
  if (offset < 0 || size < 0 || offset + size > bytes.length) {
    throw new ElfError(
      'ELF_BOUNDS',
      `${what} (offset ${offset}, size ${size}) lies outside the file of ${bytes.length} bytes`,
    );
  }
}

/**
 * Parses an ELF32 little-endian RISC-V file.
 *
 * @throws {@link ElfError} with a `code` saying what is malformed and where.
 *
 * @example
 * ```ts
 * import { ElfError, parseElf, writeElf } from '@trapeze/isa';
 *
 * const bytes = writeElf({
 *   entry: 0x80000000,
 *   sections: [{ name: '.text', address: 0x80000000, data: new Uint8Array([0x13, 0, 0, 0]), executable: true }],
 *   symbols: [{ name: '_start', value: 0x80000000, section: '.text', global: true }],
 * });
 * const elf = parseElf(bytes);
 * elf.entry; // → 0x80000000
 * elf.symbols.find((s) => s.name === '_start')?.value; // → 0x80000000
 * try {
 *   parseElf(bytes.subarray(0, 20));
 * } catch (error) {
 *   (error as ElfError).code; // → 'ELF_TOO_SMALL'
 * }
 * ```
 */
export function parseElf(bytes: Uint8Array): ElfFile {
  if (bytes.length < ELF_HEADER_SIZE) {
    throw new ElfError(
      'ELF_TOO_SMALL',
      `file of ${bytes.length} bytes is smaller than an ELF header (52 bytes)`,
    );
  }
  if (!isElf(bytes)) throw new ElfError('ELF_MAGIC', 'not an ELF file: bad magic number');
  if (bytes[4] !== 1)
    throw new ElfError(
      'ELF_CLASS',
      `ELF class ${bytes[4]} is not ELFCLASS32 (1): not a 32-bit file`,
    );
  if (bytes[5] !== 1)
    throw new ElfError('ELF_ENDIAN', `ELF data encoding ${bytes[5]} is not little-endian (1)`);
  if (bytes[6] !== 1) throw new ElfError('ELF_VERSION', `ELF version ${bytes[6]} is not 1`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = view.getUint16(16, true);
  const machine = view.getUint16(18, true);
  if (machine !== EM_RISCV)
    throw new ElfError('ELF_MACHINE', `e_machine ${machine} is not RISC-V (243)`);
  if (type !== 1 && type !== 2 && type !== 3) {
    throw new ElfError(
      'ELF_TYPE',
      `e_type ${type} is not a relocatable, executable or shared object`,
    );
  }
  const entry = view.getUint32(24, true);
  const phoff = view.getUint32(28, true);
  const shoff = view.getUint32(32, true);
  const flags = view.getUint32(36, true);
  const phentsize = view.getUint16(42, true);
  const phnum = view.getUint16(44, true);
  const shentsize = view.getUint16(46, true);
  const shnum = view.getUint16(48, true);
  const shstrndx = view.getUint16(50, true);
  if (phnum > 0 && phentsize !== PROGRAM_HEADER_SIZE) {
    throw new ElfError('ELF_HEADER_SIZE', `e_phentsize ${phentsize} is not ${PROGRAM_HEADER_SIZE}`);
  }
  if (shnum > 0 && shentsize !== SECTION_HEADER_SIZE) {
    throw new ElfError('ELF_HEADER_SIZE', `e_shentsize ${shentsize} is not ${SECTION_HEADER_SIZE}`);
  }
  checkRange(bytes, phoff, phnum * PROGRAM_HEADER_SIZE, 'program header table');
  checkRange(bytes, shoff, shnum * SECTION_HEADER_SIZE, 'section header table');

  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const at = phoff + i * PROGRAM_HEADER_SIZE;
    const segmentType = view.getUint32(at, true);
    const offset = view.getUint32(at + 4, true);
    const fileSize = view.getUint32(at + 16, true);
    const memorySize = view.getUint32(at + 20, true);
    const what = `segment ${i} (${segmentTypeName(segmentType)})`;
    if (!isDefinedSegmentType(segmentType)) {
      throw new ElfError(
        'ELF_SEGMENT_TYPE',
        `${what}: p_type is neither one the ELF gABI defines (0-7) nor in the OS-specific ` +
          '(0x60000000-0x6fffffff) or processor-specific (0x70000000-0x7fffffff) range',
      );
    }
    // PT_NULL: "the other members' values are undefined" (gABI). Every other header's file
    // bytes must be in the file (they are handed out as `data`), and a loadable segment cannot
    // hold more file bytes than memory (other types, like GNU ld's PT_RISCV_ATTRIBUTES with a
    // memory size of 0, describe file contents that are never loaded).
    const hasData = segmentType !== PT_NULL && fileSize > 0;
    if (hasData) checkRange(bytes, offset, fileSize, what);
    if (segmentType === PT_LOAD && memorySize < fileSize) {
      throw new ElfError(
        'ELF_BOUNDS',
        `${what}: memory size ${memorySize} is smaller than file size ${fileSize}`,
      );
    }
    segments.push({
      type: segmentType,
      flags: view.getUint32(at + 24, true),
      virtualAddress: view.getUint32(at + 8, true),
      physicalAddress: view.getUint32(at + 12, true),
      data: hasData ? bytes.subarray(offset, offset + fileSize) : new Uint8Array(0),
      memorySize,
    });
  }

  interface RawSection {
    nameOffset: number;
    type: number;
    flags: number;
    address: number;
    offset: number;
    size: number;
    link: number;
  }
  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = shoff + i * SECTION_HEADER_SIZE;
    const section: RawSection = {
      nameOffset: view.getUint32(at, true),
      type: view.getUint32(at + 4, true),
      flags: view.getUint32(at + 8, true),
      address: view.getUint32(at + 12, true),
      offset: view.getUint32(at + 16, true),
      size: view.getUint32(at + 20, true),
      link: view.getUint32(at + 24, true),
    };
    if (section.type !== SHT_NOBITS && section.type !== 0) {
      checkRange(bytes, section.offset, section.size, `section ${i}`);
    }
    raw.push(section);
  }
  if (shnum > 0 && shstrndx >= shnum) {
    throw new ElfError(
      'ELF_BOUNDS',
      `e_shstrndx ${shstrndx} is not a section index (${shnum} sections)`,
    );
  }
  const names = shnum > 0 ? (raw[shstrndx] as RawSection) : undefined;
  const sections: ElfSection[] = raw.map((s, i) => {
    let name = '';
    if (names && i > 0) {
      if (s.nameOffset >= names.size) {
        throw new ElfError(
          'ELF_STRING',
          `section ${i}: name offset ${s.nameOffset} is outside .shstrtab`,
        );
      }
      name = readCString(
        bytes.subarray(0, names.offset + names.size),
        names.offset + s.nameOffset,
        `section ${i}`,
      );
    }
    const data =
      s.type === SHT_NOBITS || s.type === 0
        ? new Uint8Array(0)
        : bytes.subarray(s.offset, s.offset + s.size);
    return {
      name,
      type: s.type,
      flags: s.flags,
      address: s.address,
      offset: s.offset,
      size: s.size,
      data,
      executable: (s.flags & SHF_EXECINSTR) !== 0,
    };
  });

  const symbols: ElfSymbol[] = [];
  raw.forEach((s, i) => {
    if (s.type !== SHT_SYMTAB) return;
    const strings = raw[s.link];
    if (!strings || strings.type !== SHT_STRTAB) {
      throw new ElfError(
        'ELF_BOUNDS',
        `symbol table ${i}: sh_link ${s.link} is not a string table`,
      );
    }
    const stringBytes = bytes.subarray(0, strings.offset + strings.size);
    for (let at = s.offset; at + SYMBOL_SIZE <= s.offset + s.size; at += SYMBOL_SIZE) {
      const nameOffset = view.getUint32(at, true);
      if (nameOffset >= strings.size && strings.size > 0) {
        throw new ElfError(
          'ELF_STRING',
          `symbol at offset ${at}: name offset ${nameOffset} is outside its string table`,
        );
      }
      symbols.push({
        name: readCString(stringBytes, strings.offset + nameOffset, `symbol at offset ${at}`),
        value: view.getUint32(at + 4, true),
        size: view.getUint32(at + 8, true),
        global: (bytes[at + 12] as number) >> 4 === 1,
        section: view.getUint16(at + 14, true),
      });
    }
  });
  return { type, entry, flags, sections, segments, symbols };
}

/** A section to write with {@link writeElf}. */
export interface ElfSectionInput {
  readonly name: string;
  readonly address: number;
  readonly data: Uint8Array;
  readonly executable?: boolean;
  readonly writable?: boolean;
  /** Size in memory beyond `data` is zero-filled (`.bss` style) when `nobits` is set. */
  readonly nobits?: boolean;
  readonly size?: number;
}

/** A symbol to write with {@link writeElf}; `section` names a section of the input. */
export interface ElfSymbolInput {
  readonly name: string;
  readonly value: number;
  readonly section: string | null;
  readonly global?: boolean;
}

/** What {@link writeElf} writes. */
export interface ElfWriteInput {
  readonly entry: number;
  readonly sections: readonly ElfSectionInput[];
  readonly symbols?: readonly ElfSymbolInput[];
  /** Set `EF_RISCV_RVC`. */
  readonly rvc?: boolean;
}

class StringTable {
  private readonly parts: Uint8Array[] = [new Uint8Array([0])];
  private length = 1;
  add(name: string): number {
    if (name === '') return 0;
    const bytes = new TextEncoder().encode(`${name}\0`);
    const at = this.length;
    this.parts.push(bytes);
    this.length += bytes.length;
    return at;
  }
  bytes(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const part of this.parts) {
      out.set(part, at);
      at += part.length;
    }
    return out;
  }
}

/**
 * Writes an ELF32 RISC-V executable: one PT_LOAD segment per allocated section, the
 * sections, and a symbol table.
 */
export function writeElf(input: ElfWriteInput): Uint8Array {
  const shstrtab = new StringTable();
  const strtab = new StringTable();
  const sections = input.sections;
  const sectionNames = sections.map((s) => shstrtab.add(s.name));
  const symtabName = shstrtab.add('.symtab');
  const strtabName = shstrtab.add('.strtab');
  const shstrtabName = shstrtab.add('.shstrtab');

  const symbols = [...(input.symbols ?? [])].sort(
    (a, b) => Number(a.global ?? false) - Number(b.global ?? false),
  );
  const firstGlobal = symbols.findIndex((s) => s.global) + 1 || symbols.length + 1;
  const symtab = new Uint8Array((symbols.length + 1) * SYMBOL_SIZE);
  const symView = new DataView(symtab.buffer);
  symbols.forEach((symbol, i) => {
    const at = (i + 1) * SYMBOL_SIZE;
    symView.setUint32(at, strtab.add(symbol.name), true);
    symView.setUint32(at + 4, symbol.value >>> 0, true);
    symView.setUint32(at + 8, 0, true);
    symtab[at + 12] = (symbol.global ? 1 : 0) << 4;
    const index =
      symbol.section === null ? 0xfff1 : sections.findIndex((s) => s.name === symbol.section) + 1;
    symView.setUint16(at + 14, index, true);
  });
  const strtabBytes = strtab.bytes();
  const shstrtabBytes = shstrtab.bytes();

  const loadable = sections.filter((s) => !s.nobits || (s.size ?? 0) > 0);
  const phnum = loadable.length;
  let offset = ELF_HEADER_SIZE + phnum * PROGRAM_HEADER_SIZE;
  const align = (n: number, a: number) => Math.ceil(n / a) * a;
  const sectionOffsets = sections.map((s) => {
    offset = align(offset, 4);
    const at = offset;
    if (!s.nobits) offset += s.data.length;
    return at;
  });
  offset = align(offset, 4);
  const symtabOffset = offset;
  offset += symtab.length;
  const strtabOffset = offset;
  offset += strtabBytes.length;
  const shstrtabOffset = offset;
  offset += shstrtabBytes.length;
  offset = align(offset, 4);
  const shoff = offset;
  const shnum = sections.length + 4;
  const total = shoff + shnum * SECTION_HEADER_SIZE;

  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  out.set([0x7f, 0x45, 0x4c, 0x46, 1, 1, 1, 0]);
  view.setUint16(16, 2, true); // ET_EXEC
  view.setUint16(18, EM_RISCV, true);
  view.setUint32(20, 1, true);
  view.setUint32(24, input.entry >>> 0, true);
  view.setUint32(28, phnum > 0 ? ELF_HEADER_SIZE : 0, true);
  view.setUint32(32, shoff, true);
  view.setUint32(36, input.rvc ? EF_RISCV_RVC : 0, true);
  view.setUint16(40, ELF_HEADER_SIZE, true);
  view.setUint16(42, PROGRAM_HEADER_SIZE, true);
  view.setUint16(44, phnum, true);
  view.setUint16(46, SECTION_HEADER_SIZE, true);
  view.setUint16(48, shnum, true);
  view.setUint16(50, shnum - 1, true);

  loadable.forEach((s, i) => {
    const at = ELF_HEADER_SIZE + i * PROGRAM_HEADER_SIZE;
    const index = sections.indexOf(s);
    view.setUint32(at, PT_LOAD, true);
    view.setUint32(at + 4, sectionOffsets[index] as number, true);
    view.setUint32(at + 8, s.address >>> 0, true);
    view.setUint32(at + 12, s.address >>> 0, true);
    view.setUint32(at + 16, s.nobits ? 0 : s.data.length, true);
    view.setUint32(at + 20, s.nobits ? (s.size ?? 0) : s.data.length, true);
    view.setUint32(at + 24, PF_R | (s.executable ? PF_X : 0) | (s.writable ? PF_W : 0), true);
    view.setUint32(at + 28, 4, true);
  });
  sections.forEach((s, i) => {
    if (!s.nobits) out.set(s.data, sectionOffsets[i] as number);
  });
  out.set(symtab, symtabOffset);
  out.set(strtabBytes, strtabOffset);
  out.set(shstrtabBytes, shstrtabOffset);

  const header = (index: number, fields: readonly number[]) => {
    const at = shoff + index * SECTION_HEADER_SIZE;
    fields.forEach((value, k) => {
      view.setUint32(at + k * 4, value >>> 0, true);
    });
  };
  sections.forEach((s, i) => {
    const flags = SHF_ALLOC | (s.executable ? SHF_EXECINSTR : 0) | (s.writable ? SHF_WRITE : 0);
    const size = s.nobits ? (s.size ?? 0) : s.data.length;
    header(i + 1, [
      sectionNames[i] as number,
      s.nobits ? SHT_NOBITS : SHT_PROGBITS,
      flags,
      s.address,
      sectionOffsets[i] as number,
      size,
      0,
      0,
      s.executable ? 2 : 4,
      0,
    ]);
  });
  const base = sections.length + 1;
  header(base, [
    symtabName,
    SHT_SYMTAB,
    0,
    0,
    symtabOffset,
    symtab.length,
    base + 1,
    firstGlobal,
    4,
    SYMBOL_SIZE,
  ]);
  header(base + 1, [strtabName, SHT_STRTAB, 0, 0, strtabOffset, strtabBytes.length, 0, 0, 1, 0]);
  header(base + 2, [
    shstrtabName,
    SHT_STRTAB,
    0,
    0,
    shstrtabOffset,
    shstrtabBytes.length,
    0,
    0,
    1,
    0,
  ]);
  return out;
}
