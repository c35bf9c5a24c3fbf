import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  addCancellationAndReinvoice,
  addCreditMemo,
  buildInvoices,
  DocumentNumbers,
  sortDocuments,
} from './billing-builder.js';
import { planCases, shapeFor } from './case-plan.js';
import { caseDocuments, invoiceContract } from './case-documents.js';
import { applyOrderCase, caseCommissions, caseGeneralImport, type CaseContext } from './case-effects.js';
import { addMonths, firstOfMonth, formatDay } from './civil-date.js';
import { buildCommissions, type CommissionContext } from './commission-builder.js';
import { writeFxRates } from './fx-rates-writer.js';
import { externalLine } from './general-import-builder.js';
import { periodOf, resolveOptions, type GenerateOptions, type ResolvedOptions } from './generate-options.js';
import type { GenerationSummary } from './generation-summary.js';
import { buildOrder, type OrderContext } from './order-builder.js';
import { OutputFiles } from './output-files.js';
import { packageSummary } from './package-output.js';
import { SAMPLE_CURRENCIES } from './product-catalogue.js';
import { RecordWriter } from './record-writer.js';
import { SeededPrng } from './seeded-prng.js';
import { SummaryCollector } from './summary-collector.js';

/** File name of the summary written beside the generated files. */
export const SUMMARY_FILE = 'generation-summary.json';

/**
 * Writes the input files of a demo company into `options.outDir`, deterministically from `options.seed`: the same
 * options give byte-identical files. Streams: memory stays flat whatever the size (1M order lines in seconds).
 * Returns (and by default writes as `generation-summary.json`) what was generated and which rows must land in the
 * stage area with which code.
 */
export async function generateCompany(options: GenerateOptions): Promise<GenerationSummary> {
  const resolved = resolveOptions(options);
  mkdirSync(resolved.outDir, { recursive: true });
  const csvDir = resolved.format === 'csv' ? resolved.outDir : mkdtempSync(join(tmpdir(), 'revrec-sample-'));
  try {
    const csvSummary = await writeCsvCompany(resolved, csvDir);
    const summary = await packageSummary(resolved, csvDir, csvSummary);
    if (resolved.writeSummary)
      writeFileSync(join(resolved.outDir, SUMMARY_FILE), `${JSON.stringify(summary, null, 2)}\n`);
    return summary;
  } finally {
    if (csvDir !== resolved.outDir) rmSync(csvDir, { recursive: true, force: true });
  }
}

/** The CSV company in `dir`; the summary names the CSV files. */
async function writeCsvCompany(o: ResolvedOptions, dir: string): Promise<GenerationSummary> {
  const out = new OutputFiles(dir, o.deliveries, o.firstDay, o.lastDay);
  const collector = new SummaryCollector();
  try {
    const fx = writeFxRates(
      {
        seed: o.seed,
        home: o.homeCurrency,
        firstDay: o.firstDay,
        lastDay: o.lastDay,
        months: o.months,
        fxGap: o.fxGap,
        badRows: o.badRows,
      },
      out,
      collector,
    );
    const rng = new SeededPrng(o.seed, 'company');
    const plan = planCases(o.plannedOrders, o.badRows);
    collector.omitted.push(...plan.omitted);
    const writer = new RecordWriter(out, collector, fx);
    const numbers = new DocumentNumbers();
    const pool = Math.max(10, Math.ceil(o.plannedOrders * 0.65));
    const orderCtx: OrderContext = { rng, customerPool: pool, customersSeen: new Uint8Array(pool) };
    const billing = { rng, numbers, lastDay: o.lastDay };
    const commissionCtx: CommissionContext = { rng, home: o.homeCurrency, lastDay: o.lastDay, nextId: 0 };
    const caseCtx: CaseContext = {
      rng,
      numbers,
      lastDay: o.lastDay,
      external: { rng, nextAppStore: 0, nextCheck: 0 },
      commissions: commissionCtx,
    };
    const externalCurrencies = SAMPLE_CURRENCIES.filter((c) => c !== fx.gapCurrency);
    const span = o.lastDay - o.firstDay + 1;
    const exclusions: string[] = [];
    let linesWritten = 0;
    let gapOrders = 0;

    for (let i = 0; o.orderLines === null ? i < o.plannedOrders : linesWritten < o.orderLines; i++) {
      const kind = plan.slots.get(i);
      const slotDay = Math.min(o.firstDay + Math.floor((i * span) / o.plannedOrders), o.lastDay);
      const shape = shapeFor(kind, fx.gapCurrency);
      // Orders dated inside the FX gap: the first always, then half, in the gap currency, so a few are FX-pending.
      if (
        kind === undefined &&
        fx.gapCurrency !== null &&
        fx.isPending(fx.gapCurrency, slotDay) &&
        (gapOrders++ === 0 || rng.chance(50))
      ) {
        shape.currency = fx.gapCurrency;
      }
      const orderDay = kind === 'future_order' ? addMonths(firstOfMonth(o.lastDay), 2) + 9 : slotDay;
      const order = buildOrder(orderCtx, i, orderDay, shape);
      order.routeDay = slotDay;
      if (o.orderLines !== null && order.lines.length > o.orderLines - linesWritten)
        order.lines.length = o.orderLines - linesWritten;
      applyOrderCase(kind, order);

      const docs = buildInvoices(billing, order);
      if (kind === undefined && rng.chance(2)) addCancellationAndReinvoice(billing, docs);
      if (kind === undefined && rng.chance(3)) addCreditMemo(billing, docs, rng.chance(30));
      const standalone = caseDocuments(caseCtx, kind, order, docs);
      if (kind === undefined && rng.chance(1))
        standalone.push(invoiceContract(caseCtx, slotDay, order.currency, false, false));
      const firstInvoice = docs.find((d) => d.type === 'INV');
      if (firstInvoice && (kind === 'ref_invoice' || (kind === undefined && rng.chance(3))))
        order.referenceInvoice = firstInvoice.number;
      const commissions = [
        ...buildCommissions(commissionCtx, order, kind === 'exclude_order'),
        ...caseCommissions(caseCtx, kind, order),
      ];
      if (order.excluded) {
        for (const d of docs) d.excluded = true;
        for (const c of commissions) c.excluded = true;
        exclusions.push(order.id);
      }
      for (const d of standalone) if (d.excluded) exclusions.push(d.number);
      const gi = caseGeneralImport(caseCtx, kind, order);
      if (i % 40 === 20) gi.rows.push(externalLine(caseCtx.external, slotDay, rng.pick(externalCurrencies)));

      writer.order(order);
      writer.documents(sortDocuments(docs));
      writer.documents(standalone);
      writer.commissions(commissions);
      writer.generalImport(gi.rows);
      if (gi.split) collector.splits.push(gi.split);
      collector.salesOrders += 1;
      linesWritten += order.lines.length;
      if (i % 2048 === 2047) await new Promise<void>((resolve) => setImmediate(resolve));
    }
    // With `orderLines` the order count is estimated; a case planned past the last order did not happen.
    for (const [index, kind] of plan.slots) if (index >= collector.salesOrders) collector.omitted.push(kind);
    for (const id of exclusions) writer.exclusion(id);
    const files = out.close();
    return collector.build(
      {
        seed: o.seed,
        contracts: o.orderLines === null ? o.contracts : collector.salesOrders,
        orderLines: o.orderLines,
        firstPeriod: o.firstPeriod,
        months: o.months,
        homeCurrency: o.homeCurrency,
        badRows: o.badRows,
        fxGap: o.fxGap,
        format: o.format,
        deliveries: o.deliveries,
      },
      {
        firstDate: formatDay(o.firstDay),
        lastDate: formatDay(o.lastDay),
        firstPeriod: o.firstPeriod,
        lastPeriod: periodOf(o.lastDay),
      },
      files,
      fx.summary,
    );
  } catch (error) {
    out.abort();
    throw error;
  }
}
