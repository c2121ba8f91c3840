/**
 * Running a whole harness program on an in-process engine, so that in-process engines and
 * process engines are compared the same way: on the dump the program prints.
 *
 * @module
 */
import type { Engine, ProgramOutcome, ProgramRunner, RunExit } from '../contract.js';
import { CONTRACT_VERSION } from '../contract.js';
import { parseDump } from '../dump.js';
import { EngineError } from './errors.js';

/** Checks that an engine implements this package's contract version. */
export function checkContractVersion(engine: Pick<Engine, 'name' | 'contractVersion'>): void {
  if (engine.contractVersion !== CONTRACT_VERSION)
    throw new EngineError(
      'CONTRACT_VERSION',
      `engine ${engine.name} implements contract version ${engine.contractVersion}; this suite checks version ${CONTRACT_VERSION}`,
    );
}

/**
 * A {@link ProgramRunner} over an in-process engine: each `runProgram` creates a VM, loads the
 * image, runs it until an exit other than a breakpoint (or the budget), and parses the dump
 * on its console.
 */
export function programRunnerFor(engine: Engine): ProgramRunner {
  checkContractVersion(engine);
  return {
    name: engine.name,
    capabilities: engine.capabilities,
    async runProgram(image, budget): Promise<ProgramOutcome> {
      const vm = engine.createVm();
      vm.load(image);
      let left = budget;
      let exit: RunExit;
      let instructions = 0;
      for (;;) {
        exit = vm.run(left);
        instructions += exit.instructions;
        left -= exit.instructions;
        if (exit.kind !== 'breakpoint' || left <= 0) break;
      }
      if (instructions !== exit.instructions) exit = { ...exit, instructions };
      const console = vm.console();
      return { exit, console, dump: parseDump(console), stats: vm.stats() };
    },
  };
}
