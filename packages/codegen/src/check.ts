/** The most differing lines `--check` prints per side. */
const MAX_LINES = 8;

function counts(lines: readonly string[]): Map<string, number> {
  const map = new Map<string, number>();
  for (const line of lines) map.set(line, (map.get(line) ?? 0) + 1);
  return map;
}

/** Lines of `a` not matched by a line of `b` (as multisets, so moves do not count). */
function missing(a: readonly string[], b: readonly string[]): string[] {
  const available = counts(b);
  const out: string[] = [];
  for (const line of a) {
    const left = available.get(line) ?? 0;
    if (left > 0) available.set(line, left - 1);
    else out.push(line);
  }
  return out;
}

/**
 * A short summary of how the file on disk differs from what codegen would write: counts of
 * added/removed lines and the first few of each. `undefined` when they are identical.
 *
 * @example
 * ```ts
 * diffSummary('a\nb\n', 'a\nc\n'); // '1 line(s) to add, 1 to remove\n  + c\n  - b'
 * ```
 */
export function diffSummary(onDisk: string | undefined, expected: string): string | undefined {
  if (onDisk === expected) return undefined;
  if (onDisk === undefined) return 'the file does not exist';
  const have = onDisk.split('\n');
  const want = expected.split('\n');
  const add = missing(want, have);
  const remove = missing(have, want);
  if (add.length === 0 && remove.length === 0) return 'lines are the same but in another order';
  const show = (sign: string, lines: string[]): string[] => [
    ...lines.slice(0, MAX_LINES).map((line) => `  ${sign} ${line.trim()}`),
    ...(lines.length > MAX_LINES ? [`  ${sign} … ${lines.length - MAX_LINES} more`] : []),
  ];
  return [
    `${add.length} line(s) to add, ${remove.length} to remove`,
    ...show('+', add),
    ...show('-', remove),
  ].join('\n');
}
