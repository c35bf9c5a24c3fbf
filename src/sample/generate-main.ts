/**
 * Manual entry point until `revrec sample` exists:
 *   node --import tsx src/sample/generate-main.ts --out inbox --contracts 200
 *   node --import tsx src/sample/generate-main.ts --out /tmp/big --order-lines 1000000 --no-bad-rows --stats
 * Flags: --out DIR (required), --seed S, --contracts N, --order-lines N, --first-period YYYYMM, --months N,
 * --home CUR, --no-bad-rows, --fx-gap / --no-fx-gap, --format csv|xlsx|zip, --deliveries single|monthly,
 * --no-summary, --stats (print elapsed time and peak RSS as JSON).
 */
import { performance } from 'node:perf_hooks';
import { messageOf } from '../errors.js';
import { generateCompany } from './company-generator.js';
import type { GenerateOptions } from './generate-options.js';

function parseArgs(argv: readonly string[]): { options: GenerateOptions; stats: boolean } {
  const options: Partial<GenerateOptions> = {};
  let stats = false;
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    const int = (): number => {
      const v = value();
      if (!/^\d+$/.test(v)) throw new Error(`${flag} needs a whole number (got '${v}')`);
      return Number(v);
    };
    switch (flag) {
      case '--out':
        options.outDir = value();
        break;
      case '--seed': {
        const v = value();
        options.seed = /^\d+$/.test(v) ? Number(v) : v;
        break;
      }
      case '--contracts':
        options.contracts = int();
        break;
      case '--order-lines':
        options.orderLines = int();
        break;
      case '--first-period':
        options.firstPeriod = value();
        break;
      case '--months':
        options.months = int();
        break;
      case '--home':
        options.homeCurrency = value();
        break;
      case '--bad-rows':
        options.badRows = true;
        break;
      case '--no-bad-rows':
        options.badRows = false;
        break;
      case '--fx-gap':
        options.fxGap = true;
        break;
      case '--no-fx-gap':
        options.fxGap = false;
        break;
      case '--format':
        options.format = value() as GenerateOptions['format'];
        break;
      case '--deliveries':
        options.deliveries = value() as GenerateOptions['deliveries'];
        break;
      case '--no-summary':
        options.writeSummary = false;
        break;
      case '--stats':
        stats = true;
        break;
      default:
        throw new Error(`unknown flag ${flag} (see the comment at the top of generate-main.ts)`);
    }
  }
  if (options.outDir === undefined) throw new Error('--out DIR is required');
  return { options: options as GenerateOptions, stats };
}

async function main(): Promise<number> {
  try {
    const { options, stats } = parseArgs(process.argv.slice(2));
    const started = performance.now();
    const summary = await generateCompany(options);
    const seconds = (performance.now() - started) / 1000;
    const report = {
      outDir: options.outDir,
      counts: summary.counts,
      expectedCounts: summary.expectedCounts,
      ...(stats
        ? { seconds: Number(seconds.toFixed(2)), peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024) }
        : {}),
    };
    process.stdout.write(`${JSON.stringify(report, null, stats ? 0 : 2)}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`revrec sample: ${messageOf(error)}\n`);
    return 2;
  }
}

process.exitCode = await main();
