import { addCancellationAndReinvoice, addCreditMemo, customFields } from './billing-builder.js';
import type { CaseContext } from './case-effects.js';
import type { CaseKind } from './case-plan.js';
import { addMonths, civilFromDays, daysFromCivil, daysInMonth, formatDay } from './civil-date.js';
import { divRound } from './money-text.js';
import type { SampleCurrency } from './product-catalogue.js';
import type { BillingDocument, OrderLine, RowDefect, SalesOrder } from './sample-model.js';

/** Documents a case adds to the order's invoices (flows on its lines), plus stand-alone documents (no order). */
export function caseDocuments(
  ctx: CaseContext,
  kind: CaseKind | undefined,
  order: SalesOrder,
  docs: BillingDocument[],
): BillingDocument[] {
  const standalone: BillingDocument[] = [];
  const line = order.lines.find((l) => l.defect === undefined) as OrderLine;
  const inv = docs.find((d) => d.type === 'INV' && d.itemId === line.itemId);
  const d1 = Math.min(order.orderDay + 1, ctx.lastDay);
  const unit = order.currency === 'JPY' ? 1n : 100n;
  const extra = (
    type: BillingDocument['type'],
    fields: Partial<BillingDocument>,
    defect?: RowDefect,
  ): BillingDocument => ({
    number: ctx.numbers.take(type),
    type,
    reference: '',
    orderId: order.id,
    itemId: line.itemId,
    day: d1,
    amount: 100n * unit,
    currency: order.currency,
    custom: customFields(ctx.rng, order),
    ...fields,
    ...(defect ? { defect } : {}),
  });
  const needInvoice = (): BillingDocument => {
    if (!inv) throw new Error(`Unexpected: carrier order ${order.id} has no invoice for ${line.itemId}`);
    return inv;
  };
  switch (kind) {
    case 'iac_blank_item':
    case 'iac_excluded':
      standalone.push(
        invoiceContract(ctx, order.orderDay, order.currency, kind === 'iac_blank_item', kind === 'iac_excluded'),
      );
      break;
    case 'ivc_flow':
      addCancellationAndReinvoice({ rng: ctx.rng, numbers: ctx.numbers, lastDay: ctx.lastDay }, docs);
      break;
    case 'cm_flow':
    case 'cm_only':
      addCreditMemo({ rng: ctx.rng, numbers: ctx.numbers, lastDay: ctx.lastDay }, docs, kind === 'cm_flow');
      break;
    case 'bad_inv_missing_currency':
      docs.push(
        extra('INV', {}, { code: 'MISSING_FIELD', column: 'Currency', value: '', note: 'Currency left blank' }),
      );
      break;
    case 'bad_inv_date': {
      const { year, month, day } = civilFromDays(d1);
      const text = `${year}/${String(month).padStart(2, '0')}/${String(day).padStart(2, '0')}`;
      docs.push(
        extra(
          'INV',
          {},
          { code: 'BAD_DATE', column: 'Billing_Date', value: text, note: 'slashes instead of YYYY-MM-DD' },
        ),
      );
      break;
    }
    case 'bad_inv_amount':
      docs.push(
        extra('INV', {}, { code: 'BAD_NUMBER', column: 'Billing_Amount', value: '12,50', note: 'decimal comma' }),
      );
      break;
    case 'bad_inv_decimals':
      docs.push(
        extra(
          'INV',
          {},
          {
            code: 'BAD_NUMBER',
            column: 'Billing_Amount',
            value: '1500.5',
            note: 'JPY has no decimals (more decimals than the currency)',
          },
        ),
      );
      break;
    case 'bad_inv_currency':
      docs.push(
        extra(
          'INV',
          {},
          { code: 'UNKNOWN_CURRENCY', column: 'Currency', value: 'XYZ', note: 'XYZ is not an ISO 4217 code' },
        ),
      );
      break;
    case 'bad_doc_type':
      docs.push(
        extra(
          'INV',
          {},
          {
            code: 'BAD_DOCUMENT_TYPE',
            column: 'Document_Type',
            value: 'INVOICE',
            note: 'document type must be INV, IVC, CM or CMC',
          },
        ),
      );
      break;
    case 'bad_iac_period': {
      const doc = invoiceContract(ctx, d1, order.currency, false, false);
      const end = (doc.serviceStart as number) - 30;
      standalone.push({
        ...doc,
        serviceEnd: end,
        defect: {
          code: 'BAD_SERVICE_PERIOD',
          column: 'Service_End_Date',
          value: formatDay(end),
          note: 'invoice service period ends before it starts',
        },
      });
      break;
    }
    case 'unknown_line': {
      const itemId = `${order.id}-99`;
      docs.push(
        extra(
          'INV',
          { itemId },
          { code: 'UNKNOWN_LINE', column: 'Sales_Order_Item_Id', value: itemId, note: 'the order has no such item' },
        ),
      );
      break;
    }
    case 'no_contract_line':
      standalone.push(
        extra(
          'INV',
          { orderId: '', itemId: '' },
          { code: 'NO_CONTRACT_LINE', note: 'INV with neither a sales order nor a service period' },
        ),
      );
      break;
    case 'unknown_reference_ivc':
      docs.push(
        extra(
          'IVC',
          { reference: 'INV-9999999', amount: needInvoice().amount },
          {
            code: 'UNKNOWN_REFERENCE',
            column: 'Reference_Document',
            value: 'INV-9999999',
            note: 'cancels an invoice that does not exist',
          },
        ),
      );
      break;
    case 'unknown_reference_cmc':
      docs.push(
        extra(
          'CMC',
          { reference: 'CM-9999999' },
          {
            code: 'UNKNOWN_REFERENCE',
            column: 'Reference_Document',
            value: 'CM-9999999',
            note: 'cancels a credit memo that does not exist',
          },
        ),
      );
      break;
    case 'ivc_partial': {
      const target = needInvoice();
      const amount = target.amount - (target.amount / 4n > 0n ? target.amount / 4n : 1n);
      docs.push(
        extra(
          'IVC',
          { reference: target.number, amount },
          { code: 'IVC_PARTIAL', note: `cancels ${target.number} for less than its amount` },
        ),
      );
      break;
    }
    case 'cmc_partial': {
      const target = needInvoice();
      const cm = extra('CM', { reference: target.number, amount: divRound(target.amount * 20n, 100n) });
      const half = cm.amount / 2n > 0n ? cm.amount / 2n : 1n;
      docs.push(
        cm,
        extra(
          'CMC',
          { reference: cm.number, amount: half, day: Math.min(d1 + 1, ctx.lastDay) },
          { code: 'CMC_PARTIAL', note: `cancels ${cm.number} for half its amount` },
        ),
      );
      break;
    }
    case 'cm_exceeds': {
      const target = needInvoice();
      docs.push(
        extra(
          'CM',
          { reference: target.number, amount: target.amount + 500n * unit },
          { code: 'CM_EXCEEDS_BILLED', note: 'credits more than was invoiced on the line' },
        ),
      );
      break;
    }
    default:
      break;
  }
  return standalone;
}

/**
 * An invoice-as-contract: an `INV` without a sales order but with a service period (6 or 12 months), its item id
 * `<number>-1` or, for one of them, blank (the export then uses the invoice number).
 */
export function invoiceContract(
  ctx: Pick<CaseContext, 'rng' | 'numbers'>,
  day: number,
  currency: SampleCurrency,
  blankItem: boolean,
  excluded: boolean,
): BillingDocument {
  const { rng } = ctx;
  const number = ctx.numbers.take('INV');
  const { year, month, day: dom } = civilFromDays(day);
  const start = rng.chance(50) || dom === 1 ? day : daysFromCivil(year, month, 1) + daysInMonth(year, month);
  const units = BigInt(rng.between(12, 240));
  return {
    number,
    type: 'INV',
    reference: '',
    orderId: '',
    itemId: blankItem ? '' : `${number}-1`,
    day,
    amount: currency === 'JPY' ? units * 15000n : units * 10000n,
    currency,
    serviceStart: start,
    serviceEnd: addMonths(start, rng.pick([6, 12])) - 1,
    custom: customFields(rng, { currency, customerId: '' }),
    ...(excluded ? { excluded: true } : {}),
  };
}
