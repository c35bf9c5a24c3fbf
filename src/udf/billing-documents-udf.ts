import { DuckDBScalarFunction, LIST, STRUCT, VARCHAR, DATE, BIGINT } from '@duckdb/node-api';
import type { DuckDBListValue, DuckDBStructValue, DuckDBDateValue } from '@duckdb/node-api';
import { applyBillingDocuments } from '../finance/billing-documents.js';
import type { BillingDocument, DocumentType } from '../finance/billing-documents.js';
import { defineUdf } from './udf-registry.js';

const DOCUMENT = STRUCT({ number: VARCHAR, type: VARCHAR, reference: VARCHAR, billing_date: DATE, amount: BIGINT });

/**
 * `revrec_apply_billing_documents(docs LIST(STRUCT(number VARCHAR, type VARCHAR, reference VARCHAR,
 * billing_date DATE, amount BIGINT)), minor_unit INTEGER) → VARCHAR`
 *
 * The sequential INV/IVC/CM/CMC rules of one contract line (src/finance/billing-documents.ts). Returns a JSON
 * array with one object per input document, in input order: `{"a": accepted, "c": code, "m": message,
 * "x": index of the cancelled document}`. Why a UDF: whether a credit memo is accepted depends on every document
 * accepted before it on the line, a running state that set-based SQL expresses badly. Models call it only for lines
 * that carry an IVC, CM or CMC (a line with invoices only accepts them all), a small share of all lines.
 */
export const APPLY_BILLING_DOCUMENTS = 'revrec_apply_billing_documents';

defineUdf({
  name: APPLY_BILLING_DOCUMENTS,
  signature: `${APPLY_BILLING_DOCUMENTS}(docs LIST(STRUCT(number, type, reference, billing_date, amount)), minor_unit INTEGER) → VARCHAR (JSON)`,
  description: 'Accepts or rejects the billing documents of one contract line in order (INV, IVC, CM, CMC rules).',
  create: () => ({
    scalar: DuckDBScalarFunction.create({
      name: APPLY_BILLING_DOCUMENTS,
      returnType: VARCHAR,
      parameterTypes: [LIST(DOCUMENT), BIGINT],
      mainFunction: (_info, input, output) => {
        const docsVector = input.getColumnVector(0);
        const unitVector = input.getColumnVector(1);
        for (let row = 0; row < input.rowCount; row++) {
          const list = docsVector.getItem(row) as DuckDBListValue | null;
          if (list === null) {
            output.setItem(row, null);
            continue;
          }
          const documents: BillingDocument[] = list.items.map((item) => {
            const e = (item as DuckDBStructValue).entries;
            return {
              number: String(e.number ?? ''),
              type: String(e.type) as DocumentType,
              referenceDocument: e.reference === null ? null : String(e.reference),
              billingDate: (e.billing_date as DuckDBDateValue).toString(),
              amount: e.amount as bigint,
            };
          });
          const minorUnit = Number((unitVector.getItem(row) as bigint | null) ?? 2n);
          const outcomes = applyBillingDocuments(documents, minorUnit);
          output.setItem(
            row,
            JSON.stringify(outcomes.map((o) => ({ a: o.accepted, c: o.code ?? null, m: o.message ?? null, x: o.cancels ?? null }))),
          );
        }
        output.flush();
      },
    }),
  }),
});
