/**
 * Benchmarks print human lines first and end with exactly one JSON line of figures (times in ms, rates per second,
 * peak RSS in MiB, ratios), so CI and people can both read them: `npm run bench -- x | tail -1 | jq`.
 */
export function say(line: string): void {
  process.stdout.write(`${line}\n`);
}

export function printFigures(benchmark: string, figures: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ benchmark, ...figures, node: process.version, at: new Date().toISOString() })}\n`);
}
