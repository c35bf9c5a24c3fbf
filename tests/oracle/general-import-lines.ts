/**
 * General-import rows (seed 004): a row naming an order item overrides its recognition dates, split rows replace
 * its schedule by parts that must sum to the allocated amount, any other row is an external line billed in full on
 * its booked date. Stripe's recognition end is exclusive, so the inclusive end is the day before.
 */
import { fromEpochDay, periodOf, toEpochDay } from '../../src/finance/periods.js';
import type { LineBook } from './contract-lines.js';
import { newLineModel, sortBy } from './contract-lines.js';
import type { LineModel } from './line-model.js';
import type { GeneralImportRecord, IsoDate, OracleInputs } from './oracle-types.js';
import type { ReferenceData, StageLog } from './reference-data.js';
import { generalImportKey, present } from './reference-data.js';

/** Applies overrides and splits to order lines and adds external lines to the book. */
export function applyGeneralImport(inputs: OracleInputs, ref: ReferenceData, cutoff: IsoDate, book: LineBook, stage: StageLog): void {
  const exclusions = new Set(inputs.exclusions.map((e) => e.transactionId));
  const keyOf = (row: GeneralImportRecord) => generalImportKey(row.source, row.transactionId, row.splitTransactionId);
  const overrides = new Map<string, GeneralImportRecord[]>();
  const external: GeneralImportRecord[] = [];

  for (const row of sortBy(inputs.generalImport, keyOf)) {
    const stageKey = keyOf(row);
    if (present(row.recognitionStartDate) && present(row.recognitionEndDate) && row.recognitionEndDate! <= row.recognitionStartDate!) {
      // A row-level check (inputs.md "values are strict"), made when the row is read, before anything else.
      stage.add('general_import', stageKey, 'BAD_SERVICE_PERIOD', `recognition end ${row.recognitionEndDate} (exclusive) is not after its start ${row.recognitionStartDate}`);
    } else if (present(row.bookedDate) && row.bookedDate! > cutoff) {
      stage.add('general_import', stageKey, 'FUTURE_PERIOD', `booked date ${row.bookedDate} is after the current period`);
    } else if (book.orderItemIds.has(row.transactionId)) {
      if (book.excluded.has(row.transactionId) || exclusions.has(row.transactionId)) {
        stage.add('general_import', stageKey, 'EXCLUDED', `order item ${row.transactionId} is excluded`);
      } else if (!book.lines.has(row.transactionId)) {
        stage.add('general_import', stageKey, 'UNKNOWN_LINE', `order item ${row.transactionId} is not in the books (staged or held); fix it first`);
      } else {
        const list = overrides.get(row.transactionId) ?? [];
        list.push(row);
        overrides.set(row.transactionId, list);
      }
    } else if (exclusions.has(row.transactionId)) {
      stage.add('general_import', stageKey, 'EXCLUDED', 'listed in the exclusion import');
      book.excluded.add(externalKey(row));
      book.externalKeys.add(externalKey(row));
    } else {
      external.push(row);
    }
  }
  for (const [itemId, rows] of overrides) applyOverride(book.lines.get(itemId)!, rows, ref, stage, keyOf);

  // External lines: complete rows only; a key claimed by several sources, or already an invoice-as-contract line's,
  // is rejected (decision 7: no source wins by chance).
  const complete = external.filter((row) => externalProblem(row, keyOf(row), stage) === undefined);
  const claims = new Map<string, number>();
  for (const row of complete) claims.set(externalKey(row), (claims.get(externalKey(row)) ?? 0) + 1);
  for (const row of complete) {
    const key = externalKey(row);
    if (claims.get(key)! > 1) {
      stage.add('general_import', keyOf(row), 'BAD_OVERRIDE', `transaction ${key} comes from more than one source; keep one`);
    } else if (book.lines.has(key)) {
      stage.add('general_import', keyOf(row), 'BAD_OVERRIDE', `another line already has the key ${key}; transaction ids must be unique across sources`);
    } else {
      addExternalLine(row, ref, book, keyOf(row));
    }
  }
}

function externalKey(row: GeneralImportRecord): string {
  return present(row.splitTransactionId) ? `${row.transactionId}:${row.splitTransactionId}` : row.transactionId;
}

/** Why an external row cannot make a line (staged), or undefined. */
function externalProblem(row: GeneralImportRecord, stageKey: string, stage: StageLog): string | undefined {
  const missing = (['bookedDate', 'recognitionStartDate', 'recognitionEndDate', 'amount', 'currency'] as const).filter(
    (field) => row[field] === undefined || row[field] === '',
  );
  const key = externalKey(row);
  if (missing.length > 0) {
    stage.add('general_import', stageKey, 'MISSING_FIELD', `external transaction ${key} needs ${missing.join(', ')}`);
    return 'MISSING_FIELD';
  }
  if (row.recognitionEndDate! <= row.recognitionStartDate!) {
    stage.add('general_import', stageKey, 'BAD_SERVICE_PERIOD', `recognition end ${row.recognitionEndDate} (exclusive) is not after its start ${row.recognitionStartDate}`);
    return 'BAD_SERVICE_PERIOD';
  }
  return undefined;
}

function addExternalLine(row: GeneralImportRecord, ref: ReferenceData, book: LineBook, stageKey: string): void {
  const key = externalKey(row);
  book.externalKeys.add(key);
  const amount = ref.amountToMinor(row.amount!, row.currency!);
  const model = newLineModel(
    {
      key,
      kind: 'external',
      salesOrderId: row.transactionId,
      referenceInvoiceNumber: '',
      productId: '',
      productCode: '',
      productName: '',
      customerId: '',
      currency: row.currency!,
      contractDate: row.bookedDate!,
      booking: amount,
      allocated: amount,
      method: 'ratable_daily',
      serviceStartDate: row.recognitionStartDate!,
      serviceEndDate: inclusiveEnd(row.recognitionEndDate!),
      sourceType: 'general_import',
      sourceKey: stageKey,
    },
    ref,
  );
  model.syntheticInvoice = { number: key, date: row.bookedDate!, amount };
  book.lines.set(key, model);
}

function inclusiveEnd(exclusiveEnd: IsoDate): IsoDate {
  return fromEpochDay(toEpochDay(exclusiveEnd) - 1);
}

/** Why a set of override rows cannot be used, or undefined when they can. */
function overrideProblem(model: LineModel, rows: readonly GeneralImportRecord[], ref: ReferenceData, split: boolean): string | undefined {
  for (const row of rows) {
    if (!present(row.recognitionStartDate) || !present(row.recognitionEndDate)) return 'recognition start and end dates are required';
    if (row.recognitionEndDate! <= row.recognitionStartDate!) return `recognition end ${row.recognitionEndDate} (exclusive) is not after its start`;
    if (split && row.amount === undefined) return 'every split part needs an amount';
    if (split && present(row.currency) && row.currency!.toUpperCase() !== model.line.currency) return `split currency ${row.currency} differs from the line's ${model.line.currency}`;
  }
  if (split) {
    const sum = rows.reduce((s, r) => s + ref.amountToMinor(r.amount!, model.line.currency), 0n);
    if (sum !== model.line.allocated) return `split parts sum to ${sum} minor units, the line's allocated amount is ${model.line.allocated}`;
  }
  return undefined;
}

function applyOverride(
  model: LineModel,
  rows: readonly GeneralImportRecord[],
  ref: ReferenceData,
  stage: StageLog,
  keyOf: (row: GeneralImportRecord) => string,
): void {
  const splits = rows.filter((r) => present(r.splitTransactionId));
  const plains = rows.filter((r) => !present(r.splitTransactionId));
  const reject = (list: readonly GeneralImportRecord[], why: string) => {
    for (const row of list) stage.add('general_import', keyOf(row), 'BAD_OVERRIDE', `${why}; order item ${model.line.key} keeps its order schedule`);
  };
  let chosen: GeneralImportRecord[];
  if (splits.length > 0) {
    if (plains.length > 0) reject(plains, 'the item also has split rows, which replace its schedule');
    chosen = sortBy(splits, (r) => r.splitTransactionId!);
  } else if (plains.length > 1) {
    reject(plains, 'more than one source overrides this item');
    return;
  } else {
    chosen = plains;
  }
  const problem = overrideProblem(model, chosen, ref, splits.length > 0);
  if (problem) {
    reject(chosen, problem);
    return;
  }
  const { method, bookedPeriod } = model.parts[0]!.schedule;
  model.parts = chosen.map((row) => ({
    id: present(row.splitTransactionId) ?? model.line.key,
    weight: splits.length > 0 ? ref.amountToMinor(row.amount!, model.line.currency) : model.line.allocated,
    schedule: { method, bookedPeriod, startDay: toEpochDay(row.recognitionStartDate!), endDay: toEpochDay(row.recognitionEndDate!) - 1 },
  }));
  model.line.recognition = model.parts.map((part) => ({
    id: part.id,
    amount: part.weight,
    startDate: fromEpochDay(part.schedule.startDay),
    endDate: fromEpochDay(part.schedule.endDay),
  }));
  model.endPeriod = Math.max(...model.line.recognition.map((part) => periodOf(part.endDate)));
}
