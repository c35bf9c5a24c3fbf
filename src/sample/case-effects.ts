import type { DocumentNumbers } from './billing-builder.js';
import type { CaseKind } from './case-plan.js';
import { civilFromDays, formatDay } from './civil-date.js';
import {
  externalLine,
  impossibleApril,
  overrideRow,
  splitRows,
  type ExternalContext,
} from './general-import-builder.js';
import type { SplitCheck } from './generation-summary.js';
import { divRound } from './money-text.js';
import type { CommissionRecord, GeneralImportRow, OrderLine, SalesOrder } from './sample-model.js';
import type { SeededPrng } from './seeded-prng.js';

/** What a case needs from the generator. */
export interface CaseContext {
  readonly rng: SeededPrng;
  readonly numbers: DocumentNumbers;
  readonly lastDay: number;
  readonly external: ExternalContext;
  /** Shared with the ordinary commissions so ids stay unique. */
  readonly commissions: { nextId: number };
}

/** Case effects on the order itself, before it is billed: a bad line, a whole-order defect, a zero line SSP. */
export function applyOrderCase(kind: CaseKind | undefined, order: SalesOrder): void {
  const last = order.lines[order.lines.length - 1] as OrderLine;
  const { year } = civilFromDays(order.orderDay);
  switch (kind) {
    case 'bad_order_missing_customer':
      last.defect = {
        code: 'MISSING_FIELD',
        column: 'Customer_Id',
        value: '',
        note: 'Customer_Id left blank on one line of a multi-line order',
      };
      break;
    case 'bad_order_date':
      last.defect = {
        code: 'BAD_DATE',
        column: 'Order_Date',
        value: `${year}-02-30`,
        note: 'February 30th does not exist; corrected in the re-delivery file',
      };
      last.correction = formatDay(order.orderDay);
      break;
    case 'bad_order_quantity':
      last.defect = {
        code: 'BAD_NUMBER',
        column: 'Quantity',
        value: '1e3',
        note: 'exponent notation is not a plain decimal',
      };
      break;
    case 'bad_order_currency':
      last.defect = {
        code: 'UNKNOWN_CURRENCY',
        column: 'Currency',
        value: 'EURO',
        note: 'EURO is not an ISO 4217 code',
      };
      break;
    case 'bad_order_period':
      last.defect = {
        code: 'BAD_SERVICE_PERIOD',
        column: 'Service_End_Date',
        value: formatDay(last.start - 30),
        note: 'service ends before it starts',
      };
      break;
    case 'missing_ssp':
      order.wholeOrder = {
        code: 'MISSING_SSP',
        note: 'P-131 has no JPY SSP in the products seed and the line gives none: the whole order is staged',
      };
      break;
    case 'future_order':
      order.wholeOrder = {
        code: 'FUTURE_PERIOD',
        note: 'ordered after the last generated month: held until its period is current',
      };
      break;
    case 'line_ssp_zero':
      // P-131 has no JPY seed SSP; the explicit line SSP of 0 counts, so the order allocates instead of MISSING_SSP.
      last.lineSsp = 0n;
      break;
    case 'exclude_order':
      order.excluded = true;
      break;
    default:
      break;
  }
}

/** Commissions a case adds (the bad ones). */
export function caseCommissions(ctx: CaseContext, kind: CaseKind | undefined, order: SalesOrder): CommissionRecord[] {
  const line = order.lines.find((l) => l.defect === undefined) as OrderLine;
  const base = (): CommissionRecord => {
    ctx.commissions.nextId += 1;
    return {
      id: `COM-${String(ctx.commissions.nextId).padStart(7, '0')}`,
      orderId: order.id,
      itemId: line.itemId,
      day: Math.min(order.orderDay + 1, ctx.lastDay),
      amount: divRound(line.booking * 10n, 100n),
      currency: order.currency,
      className: 'New Business',
    };
  };
  switch (kind) {
    case 'bad_com_missing_date':
      return [
        {
          ...base(),
          defect: { code: 'MISSING_FIELD', column: 'Commission_Date', value: '', note: 'Commission_Date left blank' },
        },
      ];
    case 'bad_com_amount':
      return [
        {
          ...base(),
          defect: { code: 'BAD_NUMBER', column: 'Commission_Amount', value: '1e3', note: 'exponent notation' },
        },
      ];
    case 'bad_com_unknown_line': {
      const itemId = `${order.id}-99`;
      return [
        {
          ...base(),
          itemId,
          defect: {
            code: 'UNKNOWN_LINE',
            column: 'Sales_Order_Item_Id',
            value: itemId,
            note: 'the order has no such item',
          },
        },
      ];
    }
    case 'bad_com_currency':
      return [
        {
          ...base(),
          defect: { code: 'UNKNOWN_CURRENCY', column: 'Currency', value: 'US$', note: 'US$ is not an ISO 4217 code' },
        },
      ];
    default:
      return [];
  }
}

/** General-import rows a case adds, and the split it documents (if any). */
export function caseGeneralImport(
  ctx: CaseContext,
  kind: CaseKind | undefined,
  order: SalesOrder,
): { rows: GeneralImportRow[]; split?: SplitCheck } {
  switch (kind) {
    case 'override':
      return { rows: [overrideRow(order)] };
    case 'bad_override_dates':
      return {
        rows: [
          overrideRow(order, {
            code: 'BAD_OVERRIDE',
            column: 'Recognition_End_Date',
            value: '',
            note: 'override without a recognition end date',
          }),
        ],
      };
    case 'split':
    case 'bad_split': {
      const { rows, check } = splitRows(order, kind === 'split' ? 0n : 100n);
      return { rows, split: check };
    }
    case 'gi_missing_txn': {
      const row = externalLine(ctx.external, order.orderDay, order.currency);
      return {
        rows: [
          {
            ...row,
            transactionId: '',
            defect: {
              code: 'MISSING_FIELD',
              column: 'Transaction_ID',
              value: '',
              note: 'every general-import row needs a Transaction_ID',
            },
          },
        ],
      };
    }
    case 'gi_bad_date': {
      const value = impossibleApril(order.orderDay);
      return {
        rows: [
          {
            ...externalLine(ctx.external, order.orderDay, order.currency),
            defect: { code: 'BAD_DATE', column: 'Booked_Date', value, note: 'April has 30 days' },
          },
        ],
      };
    }
    case 'gi_bad_amount':
      return {
        rows: [
          {
            ...externalLine(ctx.external, order.orderDay, order.currency),
            defect: { code: 'BAD_NUMBER', column: 'Amount', value: '1,299.00', note: 'thousands separator' },
          },
        ],
      };
    default:
      return { rows: [] };
  }
}
