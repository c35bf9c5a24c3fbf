/**
 * Today's books: every contract line with its documents, commissions and rates, plus the stage area. Pure
 * function of today's data and the current period (future-dated records are held).
 */
import { qualifiesForExpedient } from '../../src/finance/commissions.js';
import type { Period } from '../../src/finance/periods.js';
import { lastDay } from '../../src/finance/periods.js';
import { buildOrderAndInvoiceLines, sortBy } from './contract-lines.js';
import { applyGeneralImport } from './general-import-lines.js';
import { postCommissions, postDocuments } from './line-documents.js';
import type { LineModel } from './line-model.js';
import type { OracleInputs, StageEntry } from './oracle-types.js';
import { ReferenceData, StageLog } from './reference-data.js';

export interface Books {
  ref: ReferenceData;
  models: LineModel[];
  stage: StageEntry[];
}

/** Builds the books for `currentPeriod` from today's data. */
export function buildBooks(inputs: OracleInputs, currentPeriod: Period): Books {
  const ref = new ReferenceData(inputs);
  const stage = new StageLog();
  const cutoff = lastDay(currentPeriod);
  const book = buildOrderAndInvoiceLines(inputs, ref, cutoff, stage);
  applyGeneralImport(inputs, ref, cutoff, book, stage);
  postDocuments(inputs, ref, cutoff, book, stage);
  postCommissions(inputs, ref, cutoff, book, stage);

  const models = sortBy([...book.lines.values()], (m) => m.line.key);
  for (const model of models) {
    const line = model.line;
    line.contractRate = ref.rate(line.currency, line.contractDate);
    if (line.contractRate === undefined) {
      stage.add(model.sourceType, model.sourceKey, 'FX_PENDING', `no ${line.currency}→${ref.homeCurrency} rate within ${ref.maxRateAgeDays} days before the contract date ${line.contractDate}; load the rate`);
    }
    line.fxPending =
      line.contractRate === undefined ||
      model.documents.some((d) => d.billingHome === undefined) ||
      model.commissions.some((c) => c.rate === undefined);
    model.expenseAtOnce = (inputs.config.commissionExpedient ?? false) && qualifiesForExpedient(line.durationHundredths);
  }
  return { ref, models, stage: stage.entries };
}
