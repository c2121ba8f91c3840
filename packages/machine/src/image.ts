/**
 * What the `virt` board's loader does with a guest image, before anything is written: an ELF
 * executable becomes its `PT_LOAD` segments and entry point, any other file a raw image at the
 * start of RAM (as QEMU's `-kernel` does), and every image is checked against RAM, the device
 * tree and its own entry point. Every refusal is a {@link MachineError} (or an `ElfError` for
 * a malformed ELF file) that says what is wrong and where.
 *
 * @module
 */
import { isElf, PT_INTERP, PT_LOAD, parseElf, segmentTypeName } from '@trapeze/isa';
import { MachineError } from './errors.js';

/** Bytes to load at a guest-physical address, and how an error names them. */
export interface PlannedSegment {
  readonly address: number;
  readonly bytes: Uint8Array;
  /** `segment 1 (PT_LOAD)`, `the raw image`… */
  readonly name: string;
}

/** An image ready to be placed: its segments and where the boot ROM jumps. */
export interface ImagePlan {
  readonly segments: readonly PlannedSegment[];
  readonly entry: number;
}

/** What the loader checks an image against. */
export interface ImageBounds {
  readonly ramBase: number;
  readonly ramSize: number;
  /** Where the device tree goes, and the end of what QEMU reserves for it. */
  readonly fdtStart: number;
  readonly fdtEnd: number;
}

/** `p_flags` bit: the segment is executable. */
const PF_X = 1;
/** `sh_flags` bit: the section occupies memory while the program runs. */
const SHF_ALLOC = 0x2;
/** `sh_flags` bit: thread-local storage (a `.tbss` takes no room in its segment). */
const SHF_TLS = 0x400;
/** `sh_type` of a section without file bytes (`.bss`). */
const SHT_NOBITS = 8;
/** `ET_REL`: a relocatable object file. */
const ET_REL = 1;
/** The magic number of a U-Boot legacy image (`uImage`), big-endian at offset 0. */
const UIMAGE_MAGIC = 0x2705_1956;

/**
 * `bytes` when it is a `Uint8Array` (a Node `Buffer` is one).
 *
 * @throws {@link MachineError} `BAD_ARGUMENT` naming `what`.
 */
export function checkImageBytes(bytes: unknown, what: string): Uint8Array {
  if (bytes instanceof Uint8Array) return bytes;
  const shown = bytes === null ? 'null' : Array.isArray(bytes) ? 'an array' : typeof bytes;
  throw new MachineError('BAD_ARGUMENT', `${what} must be a Uint8Array, got ${shown}`);
}

const hex = (value: number) => `0x${(value >>> 0).toString(16).padStart(8, '0')}`;

/** `0x80000000-0x80000fff`: the inclusive range of `size` (> 0) bytes at `start`. */
function span(start: number, size: number): string {
  return `${hex(start)}-${hex(start + size - 1)}`;
}

/**
 * The plan of an ELF executable: its `PT_LOAD` segments at their physical addresses (`p_paddr`,
 * bytes past the file data zero), and its entry point. Like QEMU's ELF loader, an entry point
 * inside an executable segment whose virtual and physical addresses differ is moved by the same
 * offset (the hart starts with translation off).
 *
 * Linkers often put the ELF file's own headers in a loadable segment just below the program
 * (`ld.lld -Ttext=0x80000000` loads them at `0x10000`, GNU ld at `0x7ffff000`), where the
 * `virt` board has no RAM; QEMU drops such bytes. So does this loader, as long as they belong
 * to no allocated section: the part of a segment outside RAM is left out when the file's
 * section headers show that no section of the program is there.
 *
 * @throws `ElfError` for a malformed file; {@link MachineError} `UNSUPPORTED_IMAGE` for a
 *   relocatable object file or a program that needs a dynamic linker (`PT_INTERP`),
 *   `IMAGE_OUTSIDE_RAM` for a section (or, without section headers, a segment) outside RAM,
 *   `IMAGE_EMPTY` for a file without a `PT_LOAD` segment that has a memory size.
 */
export function elfPlan(bytes: Uint8Array, ramBase: number, ramSize: number): ImagePlan {
  const elf = parseElf(checkImageBytes(bytes, 'VirtMachine.loadElf: bytes'));
  if (elf.type === ET_REL) {
    throw new MachineError(
      'UNSUPPORTED_IMAGE',
      'the ELF file is a relocatable object (ET_REL), not an executable: link it first',
    );
  }
  const interp = elf.segments.find((segment) => segment.type === PT_INTERP);
  if (interp !== undefined) {
    const nul = interp.data.indexOf(0);
    const path = new TextDecoder().decode(interp.data.subarray(0, nul < 0 ? 200 : nul));
    throw new MachineError(
      'UNSUPPORTED_IMAGE',
      `the ELF file is a dynamically linked program: it needs the program interpreter '${path}' ` +
        '(PT_INTERP), and a bare machine has none; link it statically for bare metal',
    );
  }
  const ramEnd = ramBase + ramSize;
  // The program's memory: allocated sections that take room in their segment (not .tbss).
  const program = elf.sections.filter(
    (s) =>
      (s.flags & SHF_ALLOC) !== 0 &&
      s.size > 0 &&
      !(s.type === SHT_NOBITS && (s.flags & SHF_TLS) !== 0),
  );
  const segments: PlannedSegment[] = [];
  let loaded = 0;
  let entry = elf.entry >>> 0;
  elf.segments.forEach((segment, i) => {
    // Other program headers (PT_RISCV_ATTRIBUTES, PT_NOTE, PT_GNU_STACK, PT_DYNAMIC of a
    // self-relocating image…) describe the file or the loaded memory: nothing more to load.
    if (segment.type !== PT_LOAD || segment.memorySize === 0) return;
    const name = `segment ${i} (${segmentTypeName(segment.type)})`;
    const physical = segment.physicalAddress >>> 0;
    const virtualAddress = segment.virtualAddress >>> 0;
    const size = segment.memorySize;
    if (
      (segment.flags & PF_X) !== 0 &&
      virtualAddress !== physical &&
      elf.entry >>> 0 >= virtualAddress &&
      (elf.entry >>> 0) - virtualAddress < segment.data.length
    ) {
      entry = (physical + (elf.entry >>> 0) - virtualAddress) >>> 0;
    }
    const start = Math.max(physical, ramBase);
    const end = Math.min(physical + size, ramEnd);
    // The sizes come from the file: check them before allocating anything. Segments that fit in
    // RAM side by side take at most the RAM's size together (a file of many huge headers must
    // not make the host allocate gigabytes, nor loop over them).
    loaded += Math.max(0, end - start);
    if (size > ramSize || loaded > ramSize) {
      throw new MachineError(
        'IMAGE_OUTSIDE_RAM',
        `${name} (${hex(physical)}, ${size} bytes) does not fit in RAM ${span(ramBase, ramSize)}` +
          (size > ramSize ? '' : ' beside the segments before it'),
      );
    }
    // Only the part in RAM is kept: the file's bytes there, zeros after them.
    const memory = new Uint8Array(Math.max(0, end - start));
    const dataEnd = Math.min(physical + segment.data.length, end);
    if (dataEnd > start) memory.set(segment.data.subarray(start - physical, dataEnd - physical));
    if (start === physical && end === physical + size) {
      segments.push({ address: physical, bytes: memory, name });
      return;
    }
    // Partly or wholly outside RAM: only headers and padding may be there.
    const outside = (from: number, to: number) => from < ramBase || to > ramEnd;
    const section = program.find((s) => {
      const offset = (s.address >>> 0) - virtualAddress;
      if (offset < 0 || offset >= size) return false;
      return outside(physical + offset, physical + Math.min(offset + s.size, size));
    });
    if (section !== undefined || program.length === 0) {
      const what =
        section === undefined
          ? `${name} (${hex(physical)}, ${size} bytes)`
          : `section ${section.name} of ${name} (${hex(physical + (section.address >>> 0) - virtualAddress)}, ${section.size} bytes)`;
      throw new MachineError(
        'IMAGE_OUTSIDE_RAM',
        `${what} lies outside RAM ${span(ramBase, ramSize)}`,
      );
    }
    if (end > start) segments.push({ address: start, bytes: memory, name });
  });
  if (segments.length === 0) {
    const headers = elf.segments.map((segment) => segmentTypeName(segment.type));
    throw new MachineError(
      'IMAGE_EMPTY',
      'the ELF file loads nothing: it has no PT_LOAD segment with a memory size in RAM ' +
        `(program headers: ${headers.length === 0 ? 'none' : headers.join(', ')})`,
    );
  }
  return { segments, entry };
}

/**
 * The plan of a raw image: its bytes at the start of RAM, run from their first byte (QEMU's
 * `-kernel` with a file that is not an ELF executable).
 *
 * @throws {@link MachineError} `IMAGE_EMPTY` for an empty file, `IMAGE_OUTSIDE_RAM` for one
 *   larger than RAM, `UNSUPPORTED_IMAGE` for a U-Boot legacy image (`uImage`).
 */
export function rawPlan(bytes: Uint8Array, ramBase: number, ramSize: number): ImagePlan {
  checkImageBytes(bytes, 'VirtMachine.loadRaw: bytes');
  if (bytes.length === 0)
    throw new MachineError('IMAGE_EMPTY', 'the image is empty (0 bytes): nothing to run');
  if (
    bytes.length >= 4 &&
    new DataView(bytes.buffer, bytes.byteOffset).getUint32(0) === UIMAGE_MAGIC
  ) {
    throw new MachineError(
      'UNSUPPORTED_IMAGE',
      'the image is a U-Boot legacy image (uImage, magic 0x27051956), which is not supported: ' +
        'load the ELF file or the raw image it was made from',
    );
  }
  if (bytes.length > ramSize) {
    throw new MachineError(
      'IMAGE_OUTSIDE_RAM',
      `the raw image of ${bytes.length} bytes is larger than RAM (${ramSize} bytes at ${hex(ramBase)})`,
    );
  }
  return { segments: [{ address: ramBase, bytes, name: 'the raw image' }], entry: ramBase };
}

/**
 * Checks that every segment with bytes lies in RAM and outside the device tree's reserved
 * region, and that the entry point lies in one of them.
 *
 * @throws {@link MachineError} `IMAGE_OUTSIDE_RAM`, `IMAGE_OVERLAPS_FDT`, `IMAGE_EMPTY` (no
 *   segment with bytes), `ENTRY_OUTSIDE_IMAGE`.
 */
export function checkPlan(plan: ImagePlan, bounds: ImageBounds): void {
  const ramEnd = bounds.ramBase + bounds.ramSize;
  const loaded = plan.segments.filter((segment) => segment.bytes.length > 0);
  for (const segment of loaded) {
    const start = segment.address >>> 0;
    const size = segment.bytes.length;
    if (start < bounds.ramBase || start + size > ramEnd) {
      throw new MachineError(
        'IMAGE_OUTSIDE_RAM',
        `${segment.name} (${hex(start)}, ${size} bytes) lies outside RAM ${span(bounds.ramBase, bounds.ramSize)}`,
      );
    }
    if (start < bounds.fdtEnd && start + size > bounds.fdtStart) {
      throw new MachineError(
        'IMAGE_OVERLAPS_FDT',
        `${segment.name} (${span(start, size)}) overlaps the device tree's region ` +
          `${span(bounds.fdtStart, bounds.fdtEnd - bounds.fdtStart)}, written on every reset ` +
          '(QEMU refuses such an image too: "Some ROM regions are overlapping")',
      );
    }
  }
  if (loaded.length === 0)
    throw new MachineError('IMAGE_EMPTY', 'the image loads nothing: no segment has bytes');
  const entry = plan.entry >>> 0;
  if (!loaded.some((s) => entry >= s.address >>> 0 && entry - (s.address >>> 0) < s.bytes.length)) {
    const ranges = [...loaded]
      .sort((a, b) => (a.address >>> 0) - (b.address >>> 0))
      .map((s) => span(s.address >>> 0, s.bytes.length));
    const shown = ranges.length > 8 ? [...ranges.slice(0, 8), '…'] : ranges;
    throw new MachineError(
      'ENTRY_OUTSIDE_IMAGE',
      `the entry point ${hex(entry)} is not in the image, which loads ${shown.join(', ')}`,
    );
  }
}

/** Whether `bytes` is loaded as an ELF file (it starts with the ELF magic number) or raw. */
export function imageFormat(bytes: Uint8Array): 'elf' | 'raw' {
  return isElf(checkImageBytes(bytes, 'VirtMachine.loadImage: bytes')) ? 'elf' : 'raw';
}
