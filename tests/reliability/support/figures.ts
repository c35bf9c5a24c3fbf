import { mkdir, readdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import { REPO_ROOT } from './revrec-process.js';

/** What one reliability suite counted. Every field is summed over the suites in `target/reliability-figures.json`. */
export interface SuiteFigures {
  trials?: number;
  faults_injected?: number;
  bad_inputs?: number;
  secrets_checked?: number;
  outputs_scanned?: number;
  records_checked?: number;
  records_lost: number;
  records_double_counted: number;
}

const PARTS = join(REPO_ROOT, 'target', 'reliability');
const SUMMARY = join(REPO_ROOT, 'target', 'reliability-figures.json');

/**
 * Records a suite's figures in `target/reliability/<suite>.json`, then rewrites `target/reliability-figures.json`
 * as the sum over every suite's latest figures (each written through a temporary name, so suites finishing
 * together never read a half-written file), and prints the suite's line.
 */
export async function recordFigures(suite: string, figures: SuiteFigures, details: Record<string, unknown> = {}): Promise<void> {
  await mkdir(PARTS, { recursive: true });
  const part = { suite, finished_at: new Date().toISOString(), ...figures, details };
  await writeAtomically(join(PARTS, `${suite}.json`), JSON.stringify(part, null, 2));
  const totals: Record<string, number> = {};
  const suites: Record<string, unknown> = {};
  for (const name of (await readdir(PARTS)).filter((n) => n.endsWith('.json')).sort()) {
    const data = JSON.parse(await readFile(join(PARTS, name), 'utf8')) as Record<string, unknown>;
    const counts = Object.fromEntries(Object.entries(data).filter(([, v]) => typeof v === 'number')) as Record<string, number>;
    suites[String(data.suite)] = { finished_at: data.finished_at, ...counts };
    for (const [k, v] of Object.entries(counts)) totals[k] = (totals[k] ?? 0) + v;
  }
  await writeAtomically(SUMMARY, JSON.stringify({ totals, suites }, null, 2));
  const line = Object.entries(figures).map(([k, v]) => `${k}=${v}`).join(' ');
  console.log(`reliability figures [${suite}]: ${line}`);
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${text}\n`);
  await rename(temp, path);
}
