import { decode } from '@trapeze/isa';
import { describe, expect, it } from 'vitest';
import {
  encodingHex,
  instructionText,
  listBytes,
  objdumpLine,
  slots,
  TRUNCATED,
  tsvLine,
} from '../src/listing.js';
import { wordsToBytes } from './support/fake-io.js';

const decoder = { decode };

describe('slots', () => {
  it('takes 2 or 4 bytes by the low two bits', () => {
    const list = [...slots(wordsToBytes([0x02a00513, 0x4505, 0x00a58533]), 0x100, decoder)];
    expect(list.map((s) => [s.address, s.bytes.length, s.instruction?.spec.name])).toEqual([
      [0x100, 4, 'addi'],
      [0x104, 2, 'c.li'],
      [0x106, 4, 'add'],
    ]);
  });

  it('ends with a null instruction when a 32-bit instruction is cut short', () => {
    const list = [...slots(new Uint8Array([0x05, 0x45, 0x13, 0x05, 0xa0]), 0, decoder)];
    expect(list).toHaveLength(2);
    expect(list[1]?.instruction).toBeNull();
    expect([...(list[1]?.bytes ?? [])]).toEqual([0x13, 0x05, 0xa0]);
  });

  it('ends with a null instruction for a trailing odd byte', () => {
    const list = [...slots(new Uint8Array([0x05, 0x45, 0x01]), 0, decoder)];
    expect(list[1]).toMatchObject({ address: 2, instruction: null });
  });
});

describe('line formats', () => {
  const [add, cli] = [...slots(wordsToBytes([0x00a58533, 0x4505]), 0x80000000, decoder)];
  it('prints llvm-objdump lines', () => {
    if (add === undefined || cli === undefined) throw new Error('no slots');
    expect(objdumpLine(add, 'add\ta0, a1, a0')).toBe('80000000: 33 85 a5 00  \tadd\ta0, a1, a0');
    expect(objdumpLine({ ...cli, address: 4 }, 'li\ta0, 1')).toBe(
      '       4: 05 45        \tli\ta0, 1',
    );
  });

  it('prints TSV lines with the encoding as a number', () => {
    if (cli === undefined) throw new Error('no slots');
    expect(tsvLine(cli, instructionText(cli, { aliases: false }))).toBe(
      '80000004\t4505\tc.li a0, 1',
    );
    expect(encodingHex(new Uint8Array([0x13, 0x05, 0xa0]))).toBe('a00513');
  });
});

describe('listBytes', () => {
  it('lists every instruction and reports the truncated tail', () => {
    const out: string[] = [];
    const result = listBytes(
      new Uint8Array([0x13, 0x05, 0xa0, 0x02, 0x13]),
      0,
      { decoder, format: 'text', aliases: true },
      out,
    );
    expect(out).toEqual([
      '       0: 13 05 a0 02  \tli\ta0, 42',
      `       4: 13           \t${TRUNCATED}`,
    ]);
    expect(result.instructions).toBe(1);
    expect(result.truncated?.address).toBe(4);
  });
});
