// The command line of a benchmark script. One parser for all of them, so that every script reads
// `--name VALUE`, `--name=VALUE`, flags and positionals the same way.

/**
 * Parses `argv` (default: this process's arguments) against `defaults`, which names each option the
 * script knows with its default: a boolean default makes a flag (`--name` sets it to true), anything
 * else an option that takes a value (`--name VALUE` or `--name=VALUE`), returned as the string given
 * or the default untouched when absent. Arguments that are not options are returned in order as `_`.
 * An option the script does not name (`--out`, read by out.mjs) takes the value after it too, so that
 * value is never mistaken for a positional. When an option is given twice, the first one counts.
 *
 * @returns {Record<string, any> & { _: string[] }}
 */
export function benchArgs(defaults = {}, argv = process.argv.slice(2)) {
  const given = {};
  const positionals = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    let value;
    if (typeof defaults[name] === "boolean") value = true;
    else if (eq >= 0) value = a.slice(eq + 1);
    else value = argv[++i];
    if (!(name in given)) given[name] = value;
  }
  return { ...defaults, ...given, _: positionals };
}
