/**
 * Running a whole harness program on an in-process engine, so that in-process engines and
 * process engines are compared the same way: on the dump the program prints.
 *
 * @module
 */

import type { Engine, ProgramOutcome, ProgramRunner, RunExit } from '../contract.js';
import { CONTRACT_VERSION } from '../contract.js';
import { parseDump } from '../dump.js';
import { checkBudget, EngineError } from './errors.js';

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
 *
 * @throws {@link EngineError} `CONTRACT_VERSION` when the engine implements another contract version.
 *
 * @example
 * ```ts
 * import { bareEngine, buildProgram, type Engine, EngineError, programRunnerFor } from '@trapeze/conformance';
 *
 * // Any in-process Engine (here the bare one under another name; see the package README for
 * // an adapter written from scratch).
 * const { name, contractVersion, capabilities, createVm } = bareEngine();
 * const mine: Engine = { name: 'mine', contractVersion, capabilities, createVm };
 *
 * const runner = programRunnerFor(mine);
 * const outcome = await runner.runProgram(buildProgram({ setup: '', body: 'li a0, 7' }), 1_000_000);
 * outcome.exit.kind; // → 'halt'
 * outcome.dump?.x[9]; // → 7
 *
 * try {
 *   programRunnerFor({ ...mine, contractVersion: 2 });
 * } catch (error) {
 *   (error as EngineError).code; // → 'CONTRACT_VERSION'
 * }
 * ```
 */
export function programRunnerFor(engine: Engine): ProgramRunner {
  checkContractVersion(engine);
  return {
    name: engine.name,
    capabilities: engine.capabilities,
    async runProgram(image, budget): Promise<ProgramOutcome> {
      checkBudget(budget, `${engine.name}: runProgram budget`);
      const vm = engine.createVm();
      vm.load(image);
      let left = budget;
      let exit: RunExit;
      let instructions = 0;
      for (;;) {
        exit = vm.run(left);
        instructions += exit.instructions;
        left -= exit.instructions;
        // (A breakpoint exit that retired nothing would repeat forever: stop there too.)
        if (exit.kind !== 'breakpoint' || left <= 0 || !(exit.instructions > 0)) break;
      }
      if (instructions !== exit.instructions) exit = { ...exit, instructions };
      const console = vm.console();
      return { exit, console, dump: parseDump(console), stats: vm.stats() };
    },
  };
}
