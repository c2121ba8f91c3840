/**
 * `trapeze demo`: assembles the built-in sample guest, classifies every instruction for the
 * privilege mode a hypervisor runs it in, prints the annotated disassembly and a summary, then
 * boots the guest on the bare machine and reports how it ended.
 *
 * @module
 */

import type { CoreKind } from '@trapeze/cpu';
import {
  type AssembleResult,
  assemble,
  type Classification,
  classify,
  decode,
  disassemble,
  elfImage,
  type PrivilegeMode,
} from '@trapeze/isa';
import { VirtMachine } from '@trapeze/machine';
import { parseArgs } from '../args.js';
import { type Command, HELP_OPTION } from '../command.js';
import { CORE_OPTION, coreOption } from '../core-option.js';
import { DEMO_SOURCE } from '../demo-program.js';
import { UsageError } from '../errors.js';
import { bytesHex, type Slot, slots } from '../listing.js';
import { hex } from '../numbers.js';
import { SymbolTable } from '../symbols.js';

const NAME = 'demo';
const MODES: readonly PrivilegeMode[] = ['U', 'S', 'M'];
const CLASSES = ['privileged', 'sensitive', 'innocuous'] as const;
type ClassName = (typeof CLASSES)[number];

const MEANING: Readonly<Record<ClassName, string>> = {
  privileged: 'traps: the hypervisor gets control and emulates it',
  sensitive: 'touches machine state without trapping: must be made to trap, or be translated',
  innocuous: 'runs directly on the hart',
};

const MODE_STORY: Readonly<Record<PrivilegeMode, string>> = {
  U: 'deprivileged to U-mode, as the direct engine runs a guest kernel',
  S: 'in S-mode, as a guest kernel would run on a machine with the H extension',
  M: 'in M-mode, on the bare machine',
};

function parseMode(value: string | undefined): PrivilegeMode {
  if (value === undefined) return 'U';
  const mode = MODES.find((m) => m === value.toUpperCase());
  if (mode === undefined) {
    throw new UsageError('BAD_VALUE', `--mode '${value}' is not one of: U, S, M`, NAME);
  }
  return mode;
}

/** One classified instruction of the listing. */
interface Row {
  readonly slot: Slot;
  readonly label: string | undefined;
  readonly text: string;
  readonly classification: Classification;
}

function symbolTable(result: AssembleResult): SymbolTable {
  const sections = result.sections.map((s, k) => ({
    index: k + 1,
    name: s.name,
    address: s.address,
    size: s.size,
  }));
  const indexOf = (name: string | null) =>
    name === null ? 0xfff1 : (sections.find((s) => s.name === name)?.index ?? 0);
  return new SymbolTable(
    sections,
    result.symbols.map((s) => ({ ...s, size: 0, section: indexOf(s.section) })),
  );
}

/** `mnemonic<TAB>operands` as `mnemonic  operands`, padded to line up. */
function columns(text: string): string {
  const tab = text.indexOf('\t');
  return tab < 0 ? text : `${text.slice(0, tab).padEnd(9)}${text.slice(tab + 1)}`;
}

function rows(result: AssembleResult, mode: PrivilegeMode, aliases: boolean): Row[] {
  const symbols = symbolTable(result);
  const out: Row[] = [];
  result.sections.forEach((section, k) => {
    if (!section.executable) return;
    for (const slot of slots(section.bytes, section.address, { decode })) {
      const i = slot.instruction;
      if (i === null) continue; // The assembler emits whole instructions only.
      let text = disassemble(i, { aliases, address: slot.address });
      if (i.legal && i.spec.pcRelative) {
        const target = symbols.describe(slot.address + i.imm, k + 1);
        if (target !== undefined) text += ` <${target}>`;
      }
      out.push({
        slot,
        label: symbols.labelAt(k + 1, slot.address),
        text: columns(text),
        classification: classify(i, mode),
      });
    }
  });
  return out;
}

function summary(list: readonly Row[], mode: PrivilegeMode): string[] {
  const count = (name: ClassName) => list.filter((r) => r.classification.class === name).length;
  const compressed = list.filter((r) => r.slot.bytes.length === 2).length;
  const lines = [
    `Summary for ${mode}-mode: ${list.length} instructions (${compressed} compressed)`,
    ...CLASSES.map(
      (name) => `  ${name.padEnd(11)}${String(count(name)).padStart(4)}  ${MEANING[name]}`,
    ),
  ];
  const sensitive = list.filter((r) => r.classification.class === 'sensitive');
  const controls = [
    ...new Set(sensitive.map((r) => r.classification.trapControl).filter((c) => c !== null)),
  ];
  const untrappable = sensitive.filter((r) => r.classification.traps === 'never').length;
  if (controls.length > 0) {
    lines.push(
      '',
      `The hypervisor makes the sensitive ones trap through ${controls.join(', ')}${untrappable > 0 ? ' where it can' : ''}.`,
    );
  }
  if (untrappable > 0) {
    lines.push(
      `${untrappable} sensitive instruction${untrappable === 1 ? '' : 's'} cannot be made to trap in ${mode}-mode: ` +
        'trap-and-emulate alone would miss them; binary translation catches them.',
    );
  } else if (mode === 'U') {
    lines.push(
      'Nothing sensitive escapes: run deprivileged, this guest can be virtualized by trap-and-emulate.',
    );
  }
  return lines;
}

/** `trapeze demo`. */
export const demo: Command = {
  name: NAME,
  summary: 'assemble a sample guest and classify its instructions as a hypervisor sees them',
  synopsis: ['demo [--mode U|S|M] [--no-aliases] [--core CORE]', 'demo --source'],
  description: [
    [
      'Assembles a built-in bare-metal RV32IMAC program (a checksum loop in a function, CSR',
      'reads and writes, an atomic add, ecall and mret, compressed instructions) and prints its',
      'disassembly with the class of every instruction when the guest runs in --mode (default U,',
      'the mode a trap-and-emulate hypervisor runs a guest kernel in):',
    ],
    CLASSES.map((name) => `  ${name.padEnd(11)} ${MEANING[name]}`),
    [
      'then a count of each class, and boots the program on the bare machine (on the --core, as',
      'trapeze run does). --source prints the program instead, ready for trapeze asm.',
    ],
  ],
  options: [
    {
      name: 'mode',
      value: 'MODE',
      description: 'privilege mode the guest runs in: U (default), S or M',
    },
    { name: 'no-aliases', description: 'canonical instructions only (addi, not li or mv)' },
    { name: 'source', description: 'print the sample program (GNU as syntax) and exit' },
    CORE_OPTION,
    HELP_OPTION,
  ],
  examples: [
    'demo',
    'demo --mode S',
    'demo --core interpreter',
    'demo --source > demo.S && trapeze asm --elf demo.S -o demo.elf',
  ],
  exitStatus: ['Exit status: 0 printed; 2 usage errors (unknown option, bad --mode or --core).'],
  async run(argv, io) {
    const args = parseArgs(argv, demo.options, NAME);
    if (args.positionals.length > 0) {
      throw new UsageError('EXTRA_ARGUMENT', `unexpected argument '${args.positionals[0]}'`, NAME);
    }
    const mode = parseMode(args.values.get('mode'));
    const core = coreOption(args.values.get('core'), NAME);
    if (args.flags.has('source')) {
      io.stdout(DEMO_SOURCE);
      return 0;
    }
    const result = assemble(DEMO_SOURCE, { file: 'demo.S' });
    const list = rows(result, mode, !args.flags.has('no-aliases'));
    const width = Math.max(...list.map((r) => r.text.length)) + 2;
    const out = [
      `trapeze demo: a sample RV32IMAC guest (trapeze demo --source prints it), classified for`,
      `a guest running ${MODE_STORY[mode]}.`,
      '',
      ...CLASSES.map((name) => `  ${name.padEnd(11)} ${MEANING[name]}`),
      '',
      'Disassembly of section .text:',
    ];
    for (const row of list) {
      if (row.label !== undefined) out.push('', `${hex(row.slot.address, 8)} <${row.label}>:`);
      const c = row.classification;
      const reason = c.class === 'innocuous' ? '' : `  ${c.reason}`;
      out.push(
        `${hex(row.slot.address, 8)}: ${bytesHex(row.slot.bytes).padEnd(13)}${row.text.padEnd(width)}${c.class.padEnd(10)}${reason}`.trimEnd(),
      );
    }
    out.push('', ...summary(list, mode), '', ...boot(result, core));
    io.stdout(`${out.join('\n')}\n`);
    return 0;
  },
};

/** Boots the demo guest on the bare machine, on `core`, and describes the run. */
function boot(result: AssembleResult, core: CoreKind): string[] {
  const machine = new VirtMachine({ core });
  machine.loadElf(elfImage(result));
  const exit = machine.run(1_000_000);
  const checksum = machine.hart.csr.read(0x340, 3) >>> 0; // mscratch, where the handler left it
  return [
    `Booted on the bare machine (the virt board on the ${core} core, as trapeze run does):`,
    `  exit: ${exit.kind}${exit.kind === 'fail' ? ` with code ${exit.code}` : ''} after ${exit.instructions} instructions, ${machine.clock.ns} ns of virtual time`,
    `  checksum handed to the trap handler (mscratch): 0x${hex(checksum, 8)}`,
  ];
}
