// A child process for the durability test (test/blk-durability.test.ts): runs the OS's blk
// workload on the bare board with a virtio-blk disk over the image file argv[3], logging every
// completed backend write ("write OFFSET LENGTH") and flush ("flush") to stdout as it returns,
// and SIGKILLs itself at event argv[4] (1-based), before or after it (argv[5]), if asked.
// argv[6] = 'lazy' plants a broken backend that keeps writes in memory until it is closed and
// flushes nothing (the test must catch it).
import { readFileSync, writeSync } from 'node:fs';
import { BufferBackend, VirtioBlk } from '@trapeze/devices';
import { FileBlockBackend } from '@trapeze/devices/node';
import { VirtMachine } from '@trapeze/machine';

const [image, diskPath, killAtText = '0', phase = 'after', plant] = process.argv.slice(2);
const killAt = Number(killAtText);
const file = new FileBlockBackend(diskPath);
let events = 0;
const event = (run, line) => {
  events++;
  if (events === killAt && phase === 'before') process.kill(process.pid, 'SIGKILL');
  run();
  writeSync(1, `${line}\n`);
  if (events === killAt && phase === 'after') process.kill(process.pid, 'SIGKILL');
};
const pending = [];
const lazy = plant === 'lazy';
const backend = {
  size: file.size,
  readOnly: false,
  read: (offset, target) => file.read(offset, target),
  write: (offset, data) =>
    event(
      () => (lazy ? pending.push([offset, data.slice()]) : file.write(offset, data)),
      `write ${offset} ${data.length}`,
    ),
  flush: () => event(() => (lazy ? undefined : file.flush()), 'flush'),
  close: () => {
    for (const [offset, data] of pending) file.write(offset, data);
    file.close();
  },
};
const serial = new BufferBackend();
const machine = new VirtMachine({
  serial,
  bootargs: 'run=blk',
  virtio: [new VirtioBlk({ backend })],
});
machine.loadElf(new Uint8Array(readFileSync(image)));
const exit = machine.run(1e8);
writeSync(1, `exit ${exit.kind}\n`);
