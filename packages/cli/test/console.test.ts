import { describe, expect, it } from 'vitest';
import {
  ConsoleTimestamps,
  type EscapeCommand,
  EscapeReader,
  HostConsole,
} from '../src/console.js';
import { fakeIo } from './support/fake-io.js';

/** Feeds chunks to an EscapeReader and records what came out, in order. */
function read(...chunks: string[]): (string | EscapeCommand)[] {
  const out: (string | EscapeCommand)[] = [];
  const reader = new EscapeReader(
    (bytes) => out.push(new TextDecoder().decode(bytes)),
    (command) => out.push(command),
  );
  for (const chunk of chunks) reader.feed(new TextEncoder().encode(chunk));
  return out;
}

describe('EscapeReader (Ctrl-A keys)', () => {
  it('passes bytes through, Ctrl-C, Ctrl-D and Ctrl-Z included', () => {
    expect(read('ls\r', '\x03\x04\x1a')).toEqual(['ls\r', '\x03\x04\x1a']);
  });

  it("turns Ctrl-A and a key into QEMU's commands, in order with the bytes around them", () => {
    expect(read('ab\x01xcd')).toEqual(['ab', 'quit', 'cd']);
    expect(read('\x01h\x01?\x01s\x01t\x01b\x01c')).toEqual([
      'help',
      'help',
      'save',
      'timestamps',
      'break',
      'monitor',
    ]);
    expect(read('\x01X\x01H')).toEqual(['quit', 'help']);
  });

  it('Ctrl-A Ctrl-A sends one Ctrl-A; Ctrl-A and an unknown key sends nothing', () => {
    expect(read('a\x01\x01b')).toEqual(['a', '\x01b']);
    expect(read('\x01\x01\x01\x01').join('')).toBe('\x01\x01');
    expect(read('a\x01zb')).toEqual(['a', 'b']);
  });

  it('keeps an escape that is split across chunks', () => {
    expect(read('a\x01', 'x')).toEqual(['a', 'quit']);
    expect(read('\x01', '\x01')).toEqual(['\x01']);
  });
});

describe('ConsoleTimestamps (Ctrl-A T)', () => {
  it('stamps lines from the one after the toggle, in host time since the first stamp', () => {
    let now = 1000;
    const stamps = new ConsoleTimestamps(() => now);
    expect(stamps.apply('a\nb')).toBe('a\nb'); // off
    stamps.toggle();
    expect(stamps.apply('c\nd')).toBe('c\n[00:00:00.000] d');
    now += 3_723_456; // 1 h 2 min 3.456 s later
    expect(stamps.apply('\ne\n')).toBe('\n[01:02:03.456] e\n');
    stamps.toggle();
    expect(stamps.apply('f\ng\n')).toBe('f\ng\n');
  });
});

describe('HostConsole', () => {
  it('treats an Io without standard input as input that has ended', () => {
    const { io } = fakeIo();
    delete (io as { onStdin?: unknown }).onStdin;
    const host = new HostConsole(io, { input: () => {}, command: () => {} });
    host.attach();
    expect(host.inputEnded).toBe(true);
    host.close();
  });

  it('wait() ends on input, on a stop request, or after its time', async () => {
    const { io } = fakeIo({
      events: [
        { after: 20, input: 'x' },
        { after: 20, signal: 'SIGINT' },
      ],
    });
    const got: string[] = [];
    const host = new HostConsole(io, {
      input: (bytes) => got.push(new TextDecoder().decode(bytes)),
      command: () => {},
    });
    host.attach();
    await host.wait(Number.POSITIVE_INFINITY);
    expect(got).toEqual(['x']);
    await host.wait(Number.POSITIVE_INFINITY);
    expect(host.stopRequest).toEqual({ kind: 'signal', signal: 'SIGINT' });
    await host.wait(Number.POSITIVE_INFINITY); // resolves at once from now on
    host.close();
    const quiet = new HostConsole(fakeIo({ events: [] }).io, {
      input: () => {},
      command: () => {},
    });
    quiet.attach();
    const started = performance.now();
    await quiet.wait(30);
    expect(performance.now() - started).toBeGreaterThanOrEqual(25);
    quiet.close();
  });
});
