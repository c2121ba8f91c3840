/**
 * Argument parsing: GNU-style long options (`--base 0x100`, `--base=0x100`), short options
 * (`-o out.bin`, `-oout.bin`), `--` to end options and `-` as an operand. Every mistake is a
 * {@link UsageError} that names the offending argument.
 *
 * @module
 */
import { UsageError } from './errors.js';

/** One option a command accepts. */
export interface OptionSpec {
  /** Long name, without the leading `--`. */
  readonly name: string;
  /** One-letter short name, without the leading `-`. */
  readonly short?: string;
  /** Placeholder of the option's value (`ADDR`); options without one are flags. */
  readonly value?: string;
  /** One line of help. */
  readonly description: string;
}

/** The result of {@link parseArgs}. */
export interface ParsedArgs {
  /** Operands, in order. */
  readonly positionals: readonly string[];
  /** Long names of the flags given. */
  readonly flags: ReadonlySet<string>;
  /** Values of the options given, by long name (the last one wins when repeated). */
  readonly values: ReadonlyMap<string, string>;
  /** Every value of each option given, in order (for options that may be repeated). */
  readonly lists: ReadonlyMap<string, readonly string[]>;
}

/** Edit distance, for "did you mean" suggestions. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The candidate closest to `word`, if it is close enough to be a likely typo. */
export function suggest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return bestDistance <= Math.max(1, Math.floor(word.length / 3)) ? best : undefined;
}

function unknownOption(arg: string, options: readonly OptionSpec[], command: string): UsageError {
  const name = arg.replace(/^--?/, '').split('=')[0] ?? '';
  const guess = suggest(
    name,
    options.map((o) => o.name),
  );
  const hint = guess === undefined ? '' : ` (did you mean '--${guess}'?)`;
  return new UsageError('UNKNOWN_OPTION', `unknown option '${arg}'${hint}`, command);
}

/**
 * Parses `argv` against the options of `command`. Options and operands may be mixed; after
 * `--` everything is an operand.
 *
 * @throws {@link UsageError} for an unknown option, a missing value or a value given to a flag.
 */
export function parseArgs(
  argv: readonly string[],
  options: readonly OptionSpec[],
  command: string,
): ParsedArgs {
  const positionals: string[] = [];
  const flags = new Set<string>();
  const values = new Map<string, string>();
  const lists = new Map<string, string[]>();
  const set = (name: string, value: string) => {
    values.set(name, value);
    lists.set(name, [...(lists.get(name) ?? []), value]);
  };
  const take = (spec: OptionSpec, shown: string, inline: string | undefined, at: number) => {
    if (spec.value === undefined) {
      if (inline !== undefined) {
        throw new UsageError(
          'UNEXPECTED_VALUE',
          `option '${shown}' takes no value (got '${inline}')`,
          command,
        );
      }
      flags.add(spec.name);
      return at;
    }
    if (inline !== undefined) {
      set(spec.name, inline);
      return at;
    }
    const next = argv[at + 1];
    if (next === undefined) {
      throw new UsageError(
        'MISSING_VALUE',
        `option '${shown}' needs a value (${spec.value})`,
        command,
      );
    }
    set(spec.name, next);
    return at + 1;
  };
  for (let at = 0; at < argv.length; at++) {
    const arg = argv[at] as string;
    if (arg === '--') {
      positionals.push(...argv.slice(at + 1));
      break;
    }
    if (arg.startsWith('--')) {
      const equals = arg.indexOf('=');
      const name = equals < 0 ? arg.slice(2) : arg.slice(2, equals);
      const spec = options.find((o) => o.name === name);
      if (spec === undefined) throw unknownOption(arg, options, command);
      at = take(spec, `--${name}`, equals < 0 ? undefined : arg.slice(equals + 1), at);
    } else if (arg.startsWith('-') && arg.length > 1) {
      const spec = options.find((o) => o.short === arg[1]);
      if (spec === undefined || (spec.value === undefined && arg.length > 2)) {
        throw unknownOption(arg, options, command);
      }
      at = take(spec, `-${arg[1]}`, arg.length > 2 ? arg.slice(2) : undefined, at);
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, flags, values, lists };
}

/** Whether `argv` asks for help (`-h` or `--help` before any `--`). */
export function wantsHelp(argv: readonly string[]): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (arg === '--help' || arg === '-h') return true;
  }
  return false;
}
