#!/usr/bin/env node
/**
 * The `trapeze` bin: runs {@link main} on the process's arguments and streams.
 *
 * @module
 */
import { yieldHelperThreads } from '@trapeze/cpu/node';
import { main } from './cli.js';
import { nodeIo } from './io.js';

// Guest code runs on this thread: the engine's background compilers and GC helpers get what
// it leaves (on a two-core host they otherwise take both cores from it now and then).
yieldHelperThreads();

// `trapeze disasm big.elf | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), nodeIo());
