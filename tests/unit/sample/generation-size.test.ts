import { execFileSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeScratchDirs, scratchDir } from './sample-test-helpers.js';

afterAll(removeScratchDirs);

const ROOT = join(import.meta.dirname, '../../..');

describe('generation size', () => {
  it('streams 200,000 order lines in a few seconds with bounded memory (measured in a child process)', () => {
    const outDir = scratchDir('size');
    // A child process gives a clean peak RSS (process.resourceUsage().maxRSS), free of the test runner's own memory.
    const stdout = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'src/sample/generate-main.ts',
        '--out',
        outDir,
        '--order-lines',
        '200000',
        '--no-bad-rows',
        '--stats',
        '--no-summary',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 60_000 },
    );
    const report = JSON.parse(stdout.trim().split('\n').pop() as string) as {
      counts: { orders: number; invoices: number };
      seconds: number;
      peakRssMiB: number;
    };
    expect(report.counts.orders).toBe(200_000);
    expect(report.counts.invoices).toBeGreaterThan(300_000);
    expect(statSync(join(outDir, 'invoices.csv')).size).toBeGreaterThan(30_000_000);
    // Typically ~1.5–3 s and ~120 MiB (tsx included); the bounds leave room for a busy shared machine.
    expect(report.seconds, `generation took ${report.seconds} s`).toBeLessThan(8);
    expect(report.peakRssMiB, `peak RSS ${report.peakRssMiB} MiB`).toBeLessThan(300);
  }, 60_000);
});
