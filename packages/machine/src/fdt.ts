/**
 * Flattened device tree (DTB, version 17) writing: a tree of nodes and properties in, the
 * big-endian blob a kernel reads out (Devicetree Specification v0.4, chapter 5).
 *
 * @module
 */

/** A property value: a string, a list of strings, 32-bit cells, raw bytes, or empty (`true`). */
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
const FDT_END = 9;
const HEADER_SIZE = 40;

function valueBytes(value: FdtValue): Uint8Array {
  const encoder = new TextEncoder();
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
    view.setUint32(i * 4, cell >>> 0);
  });
  return bytes;
}

/** Serializes a device tree (the root node's name must be empty). */
export function writeFdt(root: FdtNode, bootCpu = 0): Uint8Array {
  const structure: number[] = [];
  const strings: number[] = [];
  const stringOffsets = new Map<string, number>();
  const encoder = new TextEncoder();
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

  const reservationOffset = HEADER_SIZE;
  const reservationSize = 16; // one terminating entry: address 0, size 0
  const structureOffset = reservationOffset + reservationSize;
  const stringsOffset = structureOffset + structure.length;
  const total = stringsOffset + strings.length;
  const blob = new Uint8Array(Math.ceil(total / 4) * 4);
  const view = new DataView(blob.buffer);
  const header = [
    FDT_MAGIC,
    blob.length,
    structureOffset,
    stringsOffset,
    reservationOffset,
    17,
    16,
    bootCpu,
    strings.length,
    structure.length,
  ];
  header.forEach((value, i) => {
    view.setUint32(i * 4, value);
  });
  blob.set(structure, structureOffset);
  blob.set(strings, stringsOffset);
  return blob;
}
