/**
 * Flattened device tree (DTB, version 17) writing: a tree of nodes and properties in, the
 * big-endian blob a kernel reads out (Devicetree Specification v0.4, chapter 5).
 *
 * Two ways in: {@link writeFdt} serializes a finished tree; {@link FdtBuilder} grows a blob
 * one call at a time as libfdt's read-write API does (`fdt_add_subnode`, `fdt_setprop`), with
 * which QEMU builds its boards' trees, so that replaying QEMU's calls gives QEMU's bytes.
 *
 * @module
 */
import { checkInteger, checkWord } from './arguments.js';
import { MachineError } from './errors.js';

/**
 * A property value: a string, a list of strings, 32-bit cells (integers in `-2^31 … 2^32 − 1`,
 * written unsigned; anything else is a {@link MachineError} `BAD_ARGUMENT`), raw bytes, or
 * empty (`true`).
 */
export type FdtValue = string | readonly string[] | readonly number[] | Uint8Array | true;

/** A device tree node. */
export interface FdtNode {
  readonly name: string;
  readonly properties: readonly (readonly [string, FdtValue])[];
  readonly children: readonly FdtNode[];
}

const FDT_MAGIC = 0xd00dfeed;
const FDT_BEGIN_NODE = 1;
const FDT_END_NODE = 2;
const FDT_PROP = 3;
const FDT_NOP = 4;
const FDT_END = 9;
const HEADER_SIZE = 40;
/** The memory reservation block: only its terminating entry (address 0, size 0). */
const RESERVATION_SIZE = 16;
const STRUCTURE_OFFSET = HEADER_SIZE + RESERVATION_SIZE;
/** A property's tag, value length and name offset. */
const PROPERTY_HEADER_SIZE = 12;

const encoder = new TextEncoder();

const align4 = (n: number) => (n + 3) & ~3;

function valueBytes(value: FdtValue): Uint8Array {
  if (value === true) return new Uint8Array(0);
  if (value instanceof Uint8Array) return value;
  if (typeof value === 'string') return encoder.encode(`${value}\0`);
  if (value.length > 0 && typeof value[0] === 'string') {
    return encoder.encode((value as readonly string[]).map((s) => `${s}\0`).join(''));
  }
  const cells = value as readonly number[];
  const bytes = new Uint8Array(cells.length * 4);
  const view = new DataView(bytes.buffer);
  cells.forEach((cell, i) => {
    view.setUint32(i * 4, checkWord(cell, `device tree cell ${i}`) >>> 0);
  });
  return bytes;
}

/**
 * A blob laid out as libfdt's `fdt_pack` leaves one: header, reservation block, structure
 * and strings back to back, `totalsize` ending with the last string.
 */
function packBlob(structure: Uint8Array, strings: Uint8Array, bootCpu: number): Uint8Array {
  const stringsOffset = STRUCTURE_OFFSET + structure.length;
  const blob = new Uint8Array(stringsOffset + strings.length);
  const view = new DataView(blob.buffer);
  const header = [
    FDT_MAGIC,
    blob.length,
    STRUCTURE_OFFSET,
    stringsOffset,
    HEADER_SIZE, // the reservation block
    17, // version
    16, // last compatible version
    bootCpu,
    strings.length,
    structure.length,
  ];
  header.forEach((value, i) => {
    view.setUint32(i * 4, value);
  });
  blob.set(structure, STRUCTURE_OFFSET);
  blob.set(strings, stringsOffset);
  return blob;
}

/**
 * Serializes a device tree (the root node's name must be empty): nodes and properties in the
 * order given, property names in the strings block in the order met, padding zero.
 */
export function writeFdt(root: FdtNode, bootCpu = 0): Uint8Array {
  checkInteger(bootCpu, 'writeFdt: bootCpu', 0, 0xffff_ffff);
  const structure: number[] = [];
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const pushWord = (word: number) => {
    structure.push((word >>> 24) & 0xff, (word >>> 16) & 0xff, (word >>> 8) & 0xff, word & 0xff);
  };
  const pushPadded = (bytes: Uint8Array) => {
    structure.push(...bytes);
    while (structure.length % 4 !== 0) structure.push(0);
  };
  const stringOffset = (name: string): number => {
    let offset = stringOffsets.get(name);
    if (offset === undefined) {
      offset = strings.length;
      strings.push(...encoder.encode(`${name}\0`));
      stringOffsets.set(name, offset);
    }
    return offset;
  };
  const emit = (node: FdtNode) => {
    pushWord(FDT_BEGIN_NODE);
    pushPadded(encoder.encode(`${node.name}\0`));
    for (const [name, value] of node.properties) {
      const bytes = valueBytes(value);
      pushWord(FDT_PROP);
      pushWord(bytes.length);
      pushWord(stringOffset(name));
      pushPadded(bytes);
    }
    for (const child of node.children) emit(child);
    pushWord(FDT_END_NODE);
  };
  emit(root);
  pushWord(FDT_END);
  return packBlob(Uint8Array.from(structure), Uint8Array.from(strings), bootCpu);
}

/**
 * A device tree grown in place as libfdt's read-write API grows one, byte for byte, starting
 * from the empty tree of QEMU's `create_device_tree` (a zeroed buffer):
 * - a new node goes after its parent's properties, before the subnodes already there
 *   (`fdt_add_subnode`);
 * - a new property goes first in its node; setting one again resizes it in place
 *   (`fdt_setprop`);
 * - a name enters the strings block when first set, or shares the tail of an entry that ends
 *   with it (`fdt_find_add_string_`);
 * - inserting moves the bytes after the insertion point up and leaves the old bytes in the
 *   gap, so the padding after a property's value holds whatever was there (libfdt clears a
 *   node name's padding, not a value's).
 *
 * Replaying a board's calls in QEMU's order then gives QEMU's blob.
 */
export class FdtBuilder {
  /** The structure block starts at {@link STRUCTURE_OFFSET}; the strings block follows it. */
  private buffer = new Uint8Array(0x2000);
  /** A view of {@link FdtBuilder.buffer} (made again when the buffer grows). */
  private data = new DataView(this.buffer.buffer);
  private structureSize: number;
  private stringsSize = 0;

  constructor() {
    // The root node: BEGIN_NODE, an empty name padded to a word, END_NODE; then END.
    const view = this.view();
    view.setUint32(STRUCTURE_OFFSET, FDT_BEGIN_NODE);
    view.setUint32(STRUCTURE_OFFSET + 8, FDT_END_NODE);
    view.setUint32(STRUCTURE_OFFSET + 12, FDT_END);
    this.structureSize = 16;
  }

  /**
   * Adds the node at `path` (`/soc/serial@10000000`); its parent must exist, it must not
   * ({@link MachineError} `BAD_ARGUMENT` otherwise).
   */
  addNode(path: string): void {
    const slash = path.lastIndexOf('/');
    const name = path.slice(slash + 1);
    const parent = this.nodeOffset(path.slice(0, slash));
    if (name === '' || this.child(parent, name) !== undefined) {
      throw new MachineError('BAD_ARGUMENT', `cannot add device tree node ${path}`);
    }
    let offset = this.next(parent);
    while ([FDT_PROP, FDT_NOP].includes(this.tag(offset))) offset = this.next(offset);
    const nameBytes = encoder.encode(name);
    const nameSize = align4(nameBytes.length + 1);
    this.insertStructure(offset, 4 + nameSize + 4);
    this.view().setUint32(offset, FDT_BEGIN_NODE);
    this.buffer.fill(0, offset + 4, offset + 4 + nameSize);
    this.buffer.set(nameBytes, offset + 4);
    this.view().setUint32(offset + 4 + nameSize, FDT_END_NODE);
  }

  /**
   * Sets property `name` of the node at `path` (`/` for the root), which must exist
   * ({@link MachineError} `BAD_ARGUMENT` otherwise, or for a cell out of range).
   */
  setProperty(path: string, name: string, value: FdtValue): void {
    const node = this.nodeOffset(path);
    const bytes = valueBytes(value);
    let property = this.property(node, name);
    if (property === undefined) {
      const nameOffset = this.stringOffset(name);
      property = this.next(node);
      this.insertStructure(property, PROPERTY_HEADER_SIZE + align4(bytes.length));
      this.view().setUint32(property, FDT_PROP);
      this.view().setUint32(property + 8, nameOffset);
    } else {
      const oldSize = align4(this.view().getUint32(property + 4));
      const newSize = align4(bytes.length);
      const data = property + PROPERTY_HEADER_SIZE;
      this.splice(data, oldSize, newSize);
      this.structureSize += newSize - oldSize;
    }
    this.view().setUint32(property + 4, bytes.length);
    this.buffer.set(bytes, property + PROPERTY_HEADER_SIZE);
  }

  /** The blob, packed as QEMU loads it (`fdt_pack`). */
  toBlob(bootCpu = 0): Uint8Array {
    checkInteger(bootCpu, 'FdtBuilder.toBlob: bootCpu', 0, 0xffff_ffff);
    const stringsOffset = STRUCTURE_OFFSET + this.structureSize;
    return packBlob(
      this.buffer.subarray(STRUCTURE_OFFSET, stringsOffset),
      this.buffer.subarray(stringsOffset, stringsOffset + this.stringsSize),
      bootCpu,
    );
  }

  private view(): DataView {
    return this.data;
  }

  private tag(offset: number): number {
    return this.data.getUint32(offset);
  }

  /** Whether the NUL-terminated bytes at `offset` are `name` (encoded). */
  private bytesAre(offset: number, name: Uint8Array): boolean {
    const buffer = this.buffer;
    for (let i = 0; i < name.length; i++) if (buffer[offset + i] !== name[i]) return false;
    return buffer[offset + name.length] === 0;
  }

  /** The offset of the tag after the one at `offset` (`fdt_next_tag`). */
  private next(offset: number): number {
    switch (this.tag(offset)) {
      case FDT_BEGIN_NODE:
        return offset + 4 + align4(this.buffer.indexOf(0, offset + 4) - (offset + 4) + 1);
      case FDT_PROP:
        return offset + PROPERTY_HEADER_SIZE + align4(this.view().getUint32(offset + 4));
      default:
        return offset + 4;
    }
  }

  /** The offset of the BEGIN_NODE tag of the node at `path`. */
  private nodeOffset(path: string): number {
    let offset = STRUCTURE_OFFSET;
    for (const name of path.split('/').filter((part) => part !== '')) {
      const child = this.child(offset, name);
      if (child === undefined)
        throw new MachineError('BAD_ARGUMENT', `no device tree node ${path}`);
      offset = child;
    }
    return offset;
  }

  /** The subnode `name` of the node at `node`. */
  private child(node: number, name: string): number | undefined {
    const wanted = encoder.encode(name);
    let depth = 0;
    for (let offset = this.next(node); ; offset = this.next(offset)) {
      const tag = this.tag(offset);
      if (tag === FDT_BEGIN_NODE) {
        if (depth === 0 && this.bytesAre(offset + 4, wanted)) return offset;
        depth++;
      } else if (tag === FDT_END_NODE) {
        if (depth === 0) return undefined;
        depth--;
      }
    }
  }

  /** The PROP tag of property `name` of the node at `node`. */
  private property(node: number, name: string): number | undefined {
    const stringsOffset = STRUCTURE_OFFSET + this.structureSize;
    const wanted = encoder.encode(name);
    for (let offset = this.next(node); ; offset = this.next(offset)) {
      const tag = this.tag(offset);
      if (tag === FDT_NOP) continue;
      if (tag !== FDT_PROP) return undefined;
      if (this.bytesAre(stringsOffset + this.data.getUint32(offset + 8), wanted)) return offset;
    }
  }

  /** The offset of `name` in the strings block, appended if no entry ends with it. */
  private stringOffset(name: string): number {
    const wanted = encoder.encode(`${name}\0`);
    const start = STRUCTURE_OFFSET + this.structureSize;
    const name0 = encoder.encode(name);
    for (let offset = 0; offset + wanted.length <= this.stringsSize; offset++) {
      if (this.bytesAre(start + offset, name0)) return offset;
    }
    const offset = this.stringsSize;
    this.splice(start + offset, 0, wanted.length);
    this.buffer.set(wanted, start + offset);
    this.stringsSize += wanted.length;
    return offset;
  }

  private insertStructure(offset: number, size: number): void {
    this.splice(offset, 0, size);
    this.structureSize += size;
  }

  /**
   * Replaces `oldSize` bytes at `offset` by `newSize` bytes (`fdt_splice_`): the data after
   * them moves, and the bytes in the buffer are otherwise left as they were.
   */
  private splice(offset: number, oldSize: number, newSize: number): void {
    const end = STRUCTURE_OFFSET + this.structureSize + this.stringsSize;
    const needed = end - oldSize + newSize;
    if (needed > this.buffer.length) {
      const grown = new Uint8Array(Math.max(needed, this.buffer.length * 2));
      grown.set(this.buffer);
      this.buffer = grown;
      this.data = new DataView(grown.buffer);
    }
    this.buffer.copyWithin(offset + newSize, offset + oldSize, end);
  }
}
