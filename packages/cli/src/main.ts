#!/usr/bin/env node
/**
 * The `trapeze` bin: runs {@link main} on the process's arguments and streams.
 *
 * @module
 */
import { main } from './cli.js';
import { nodeIo } from './io.js';

// `trapeze disasm big.elf | head` closes the pipe early: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}

process.exitCode = await main(process.argv.slice(2), nodeIo());
