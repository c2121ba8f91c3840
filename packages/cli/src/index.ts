import { VERSION } from '@trapeze/isa';

/**
 * Runs the `trapeze` command with the given arguments (without `node` and the script path) and
 * returns the process exit code. Placeholder until the real commands land.
 */
export function main(argv: readonly string[]): number {
  const [command] = argv;
  if (command === 'demo') {
    console.log(`trapeze ${VERSION}: demo placeholder`);
    return 0;
  }
  console.error(
    `usage: trapeze demo (got ${command === undefined ? 'no command' : `'${command}'`})`,
  );
  return 2;
}
