import { describe, expect, it } from 'vitest';
import { DeviceError } from '../src/errors.js';
import { BufferBackend, TerminalBackend } from '../src/serial-backend.js';

describe('BufferBackend', () => {
  it('collects output and decodes it as UTF-8', () => {
    const b = new BufferBackend();
    for (const byte of new TextEncoder().encode('héllo')) b.transmit(byte);
    expect(b.text()).toBe('héllo');
    expect(b.bytes().length).toBe(6);
    b.clearOutput();
    expect(b.text()).toBe('');
  });

  it('grows past its initial buffer', () => {
    const b = new BufferBackend();
    for (let i = 0; i < 1000; i++) b.transmit(i & 0xff);
    expect(b.bytes().length).toBe(1000);
    expect(b.bytes()[999]).toBe(999 & 0xff);
  });

  it('queues input in order across chunks and notifies its listener', () => {
    const b = new BufferBackend();
    let calls = 0;
    b.connect(() => calls++);
    b.receive('ab');
    b.receive(new Uint8Array([1, 2]));
    b.receive([3]);
    b.receive('');
    expect(calls).toBe(3);
    expect(b.available).toBe(5);
    const got: number[] = [];
    for (let x = b.take(); x !== -1; x = b.take()) got.push(x);
    expect(got).toEqual([0x61, 0x62, 1, 2, 3]);
    expect(b.available).toBe(0);
    b.receive('z');
    b.clearInput();
    expect(b.take()).toBe(-1);
  });

  it('copies Uint8Array input and rejects non-bytes', () => {
    const b = new BufferBackend();
    const data = new Uint8Array([5]);
    b.receive(data);
    data[0] = 6;
    expect(b.take()).toBe(5);
    expect(() => b.receive([256])).toThrow(DeviceError);
    expect(() => b.receive([1.5])).toThrow(DeviceError);
  });
});

describe('TerminalBackend', () => {
  it('writes at newlines, when full, on flush, and at the end of the task', async () => {
    const chunks: string[] = [];
    const t = new TerminalBackend({
      output: { write: (c: Uint8Array) => chunks.push(Buffer.from(c).toString()) },
      bufferSize: 4,
    });
    for (const c of 'ab\n') t.transmit(c.charCodeAt(0));
    expect(chunks).toEqual(['ab\n']);
    for (const c of 'cdefg') t.transmit(c.charCodeAt(0));
    expect(chunks).toEqual(['ab\n', 'cdef']);
    t.flush();
    expect(chunks).toEqual(['ab\n', 'cdef', 'g']);
    t.transmit(0x68);
    await Promise.resolve();
    expect(chunks).toEqual(['ab\n', 'cdef', 'g', 'h']);
    t.flush();
    expect(chunks.length).toBe(4);
  });

  it('takes input from the host', () => {
    const t = new TerminalBackend({ output: { write: () => true } });
    t.receive('x');
    expect(t.take()).toBe(0x78);
    expect(() => new TerminalBackend({ output: { write: () => true }, bufferSize: 0 })).toThrow(
      DeviceError,
    );
  });
});
