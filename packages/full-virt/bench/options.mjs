// Command-line options of the bench scripts: `--name value` pairs, taken out of `argv` as they
// are read, so that what is left is the positional arguments.

/** The value of option `name` in `argv` (removed from it), or `fallback`. */
export function takeOption(argv, name, fallback) {
  const i = argv.indexOf(name);
  if (i < 0) return fallback;
  const [value] = argv.splice(i, 2).slice(1);
  if (value === undefined) throw new Error(`${name} needs a value`);
  return value;
}
