/**
 * Billing documents and commissions of the lines in the books: each record is tied to its line (or staged), the
 * documents of a line go through the sequential kernel, and accepted ones are posted with their home amounts
 * (a cancellation at the rate of the document it cancels).
 */
import type { BillingDocument } from '../../src/finance/billing-documents.js';
import { applyBillingDocuments, documentOrder } from '../../src/finance/billing-documents.js';
import { convert } from '../../src/finance/fx.js';
import { periodOf } from '../../src/finance/periods.js';
import type { LineBook } from './contract-lines.js';
import { sortBy } from './contract-lines.js';
import type { PostedDocument } from './line-model.js';
import type { InvoiceRecord, IsoDate, OracleInputs, RecordType } from './oracle-types.js';
import type { ReferenceData, StageLog } from './reference-data.js';
import { invoiceKey, present } from './reference-data.js';

interface LineDocument extends BillingDocument {
  stageKey: string | undefined;
  currency: string;
}

/** Ties a record to a line in the books; stages it and returns undefined when it cannot be. */
function lineFor(book: LineBook, key: string, type: RecordType, stageKey: string, currency: string, stage: StageLog): string | undefined {
  if (book.externalKeys.has(key)) {
    // External lines are billed in full on their booked date; no document bills them again (decision 7).
    stage.add(type, stageKey, 'UNKNOWN_LINE', `line ${key} is an external general-import line, which no invoice document bills`);
    return undefined;
  }
  const model = book.lines.get(key);
  if (model && model.line.currency === currency.toUpperCase()) return key;
  if (model) {
    stage.add(type, stageKey, 'UNKNOWN_LINE', `currency ${currency} differs from line ${key}'s ${model.line.currency}`);
  } else if (book.held.has(key)) {
    stage.add(type, stageKey, 'FUTURE_PERIOD', `order item ${key} is held for a future period; the record waits with it`);
  } else if (book.excluded.has(key)) {
    stage.add(type, stageKey, 'EXCLUDED', `line ${key} is excluded`);
  } else {
    stage.add(type, stageKey, 'UNKNOWN_LINE', `line ${key} is not in the books (unknown item, or its order is staged or held)`);
  }
  return undefined;
}

/** Posts every in-books document on its line. */
export function postDocuments(inputs: OracleInputs, ref: ReferenceData, cutoff: IsoDate, book: LineBook, stage: StageLog): void {
  const perLine = new Map<string, LineDocument[]>();
  const add = (key: string, doc: LineDocument) => {
    const list = perLine.get(key) ?? [];
    list.push(doc);
    perLine.set(key, list);
  };
  // Documents without an item id find their line (in the books or excluded) through the invoice-as-contract INV
  // without item id they (or their CM) name.
  const blankItemLine = new Map<string, string>(book.contractInvoiceNumbers);
  const rank = { INV: 0, IVC: 1, CM: 1, CMC: 2 } as const;
  const ordered = sortBy(inputs.invoices, (i) => `${rank[i.documentType]}|${invoiceKey(i.invoiceNumber, i.salesOrderItemId)}`);
  for (const invoice of ordered) {
    const stageKey = invoiceKey(invoice.invoiceNumber, invoice.salesOrderItemId);
    if (invoice.billingDate > cutoff) {
      stage.add('invoices', stageKey, 'FUTURE_PERIOD', `billing date ${invoice.billingDate} is after the current period`);
      continue;
    }
    const contractLine = book.contractInvoices.get(stageKey);
    if (book.contractInvoices.has(stageKey) && contractLine === undefined) continue; // staged as a contract
    const lineKey = contractLine ?? resolveLineKey(invoice, blankItemLine, stageKey, stage);
    if (lineKey === undefined) continue;
    // A CMC without item id follows its CM to the line the CM names, whatever became of the CM.
    if (!present(invoice.salesOrderItemId) && !present(invoice.salesOrderId) && invoice.documentType === 'CM') blankItemLine.set(`CM:${invoice.invoiceNumber}`, lineKey);
    const key = lineFor(book, lineKey, 'invoices', stageKey, invoice.currency, stage);
    if (key === undefined) continue;
    add(key, {
      number: invoice.invoiceNumber,
      type: invoice.documentType,
      referenceDocument: invoice.referenceDocument,
      billingDate: invoice.billingDate,
      amount: ref.amountToMinor(invoice.billingAmount, invoice.currency),
      stageKey,
      currency: invoice.currency,
    });
  }
  for (const model of book.lines.values()) {
    const synthetic = model.syntheticInvoice;
    if (synthetic) {
      add(model.line.key, { number: synthetic.number, type: 'INV', billingDate: synthetic.date, amount: synthetic.amount, stageKey: undefined, currency: model.line.currency });
    }
  }
  for (const [key, docs] of perLine) {
    const model = book.lines.get(key)!;
    const outcomes = applyBillingDocuments(docs, model.line.minorUnit);
    const posted: Array<PostedDocument | undefined> = docs.map(() => undefined);
    // Post in application order so a cancellation finds the home amount of the document it cancels.
    for (const i of documentOrder(docs)) {
      const doc = docs[i]!;
      const outcome = outcomes[i]!;
      if (!outcome.accepted) {
        stage.add('invoices', doc.stageKey ?? model.sourceKey, outcome.code!, outcome.message ?? outcome.code!);
        continue;
      }
      const sign = doc.type === 'INV' || doc.type === 'CMC' ? 1n : -1n;
      let magnitudeHome: bigint | undefined;
      if (outcome.cancels !== undefined) {
        const target = posted[outcome.cancels];
        magnitudeHome = target?.billingHome === undefined ? undefined : target.billingHome < 0n ? -target.billingHome : target.billingHome;
      } else {
        const rate = ref.rate(doc.currency, String(doc.billingDate));
        magnitudeHome = rate === undefined ? undefined : convert(doc.amount, model.line.minorUnit, rate, ref.homeMinorUnit);
        if (rate === undefined && doc.stageKey !== undefined) {
          stage.add('invoices', doc.stageKey, 'FX_PENDING', `no ${doc.currency}→${ref.homeCurrency} rate within ${ref.maxRateAgeDays} days before ${String(doc.billingDate)}; load the rate`);
        }
      }
      posted[i] = {
        number: doc.number,
        type: doc.type,
        period: periodOf(String(doc.billingDate)),
        billing: sign * doc.amount,
        billingHome: magnitudeHome === undefined ? undefined : sign * magnitudeHome,
        priceEffect: doc.type === 'CM' ? -doc.amount : doc.type === 'CMC' ? doc.amount : 0n,
      };
    }
    model.documents = posted.filter((d): d is PostedDocument => d !== undefined);
  }
}

/** The line key of a document that does not make a line, or undefined (staged). */
function resolveLineKey(invoice: InvoiceRecord, blankItemLine: Map<string, string>, stageKey: string, stage: StageLog): string | undefined {
  const item = present(invoice.salesOrderItemId);
  if (invoice.documentType === 'INV' && !present(invoice.salesOrderId)) {
    stage.add('invoices', stageKey, 'NO_CONTRACT_LINE', 'an INV with no Sales_Order_Id needs both service dates to be its own contract; add them or the order');
    return undefined;
  }
  if (item) return item;
  const reference = present(invoice.referenceDocument);
  const viaReference =
    reference === undefined
      ? undefined
      : invoice.documentType === 'CMC'
        ? blankItemLine.get(`CM:${reference}`)
        : invoice.documentType === 'INV'
          ? undefined
          : blankItemLine.get(reference);
  if (viaReference !== undefined) return viaReference;
  if (invoice.documentType === 'INV') {
    stage.add('invoices', stageKey, 'UNKNOWN_LINE', `INV of order ${invoice.salesOrderId} names no Sales_Order_Item_Id`);
  } else {
    stage.add('invoices', stageKey, 'NO_CONTRACT_LINE', `${invoice.documentType} names no Sales_Order_Item_Id and its reference ${reference ?? '(none)'} is no invoice-as-contract document; add the item id`);
  }
  return undefined;
}

/** Posts every in-books commission on its line, with its rate (undefined = FX-pending). */
export function postCommissions(inputs: OracleInputs, ref: ReferenceData, cutoff: IsoDate, book: LineBook, stage: StageLog): void {
  for (const commission of sortBy(inputs.commissions, (c) => c.commissionId)) {
    const stageKey = commission.commissionId;
    if (commission.commissionDate > cutoff) {
      stage.add('commissions', stageKey, 'FUTURE_PERIOD', `commission date ${commission.commissionDate} is after the current period`);
      continue;
    }
    const model = book.lines.get(commission.salesOrderItemId);
    if (!model) {
      const item = commission.salesOrderItemId;
      if (book.held.has(item)) stage.add('commissions', stageKey, 'FUTURE_PERIOD', `order item ${item} is held for a future period; the commission waits with it`);
      else if (book.excluded.has(item)) stage.add('commissions', stageKey, 'EXCLUDED', `line ${item} is excluded`);
      else stage.add('commissions', stageKey, 'UNKNOWN_LINE', `line ${item} is not in the books (unknown item, or its order is staged)`);
      continue;
    }
    const rate = ref.rate(commission.currency, commission.commissionDate);
    if (rate === undefined) {
      stage.add('commissions', stageKey, 'FX_PENDING', `no ${commission.currency}→${ref.homeCurrency} rate within ${ref.maxRateAgeDays} days before ${commission.commissionDate}; load the rate`);
    }
    model.commissions.push({
      id: commission.commissionId,
      class: commission.class ?? '',
      currency: commission.currency.toUpperCase(),
      minorUnit: ref.minorUnit(commission.currency),
      amount: ref.amountToMinor(commission.commissionAmount, commission.currency),
      period: periodOf(commission.commissionDate),
      rate,
    });
  }
}
