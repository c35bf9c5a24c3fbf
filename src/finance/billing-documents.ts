/**
 * The sequential rules for the billing documents of one contract line (spec "Billing documents", seed 002).
 * Documents are applied in order of billing date, then type INV, IVC, CM, CMC, then document number; each is
 * accepted or rejected with a stage-area code, and a rejected document changes nothing. This runs as a DuckDB UDF
 * over every line, so it is plain bigint arithmetic with one sort and two small maps.
 */
import { compareIds } from './allocation.js';
import { formatMinor } from './money.js';

/** The four document types; the type gives the sign (INV +, IVC −, CM −, CMC +). */
export type DocumentType = 'INV' | 'IVC' | 'CM' | 'CMC';

/** The stage-area codes this kernel can give. */
export type DocumentErrorCode = 'UNKNOWN_REFERENCE' | 'IVC_PARTIAL' | 'CMC_PARTIAL' | 'CM_EXCEEDS_BILLED';

/**
 * One document of the line. `billingDate` may be an ISO string or an epoch day, but one kind for all documents of
 * a call (both order correctly with `<`). `amount` is positive minor units.
 */
export interface BillingDocument {
  readonly number: string;
  readonly type: DocumentType;
  readonly referenceDocument?: string | null | undefined;
  readonly billingDate: string | number;
  readonly amount: bigint;
}

/** The fate of one document. `cancels` is the input index of the INV/CM an accepted IVC/CMC cancels. */
export interface DocumentOutcome {
  readonly accepted: boolean;
  readonly code?: DocumentErrorCode;
  readonly message?: string;
  readonly cancels?: number;
}

const TYPE_RANK: Record<DocumentType, number> = { INV: 0, IVC: 1, CM: 2, CMC: 3 };

/** The application order of the documents, as input indices. */
export function documentOrder(documents: readonly BillingDocument[]): number[] {
  const order = documents.map((_, i) => i);
  order.sort((i, j) => {
    const a = documents[i] as BillingDocument;
    const b = documents[j] as BillingDocument;
    if (a.billingDate !== b.billingDate) return a.billingDate < b.billingDate ? -1 : 1;
    const rank = TYPE_RANK[a.type] - TYPE_RANK[b.type];
    if (rank !== 0) return rank;
    return compareIds(a.number, b.number) || i - j;
  });
  return order;
}

/**
 * Applies the documents of one line in order and returns one outcome per document, in input order.
 * - IVC: cancels an open (accepted, not yet cancelled) INV named by `referenceDocument` in full, else
 *   `IVC_PARTIAL` (amount differs) or `UNKNOWN_REFERENCE` (no such open INV at that point).
 * - CM: rejected `CM_EXCEEDS_BILLED` when open credits including it exceed the invoiced amount not cancelled.
 * - CMC: cancels an open CM in full, else `CMC_PARTIAL` or `UNKNOWN_REFERENCE`.
 * `minorUnit` only formats amounts in messages.
 */
export function applyBillingDocuments(documents: readonly BillingDocument[], minorUnit = 2): DocumentOutcome[] {
  const outcomes: DocumentOutcome[] = new Array(documents.length);
  const openInvoices = new Map<string, number[]>();
  const openCredits = new Map<string, number[]>();
  let invoiced = 0n; // accepted INV − accepted IVC
  let credited = 0n; // accepted CM − CMs cancelled by accepted CMC
  const money = (amount: bigint) => formatMinor(amount, minorUnit);

  for (const index of documentOrder(documents)) {
    const doc = documents[index] as BillingDocument;
    switch (doc.type) {
      case 'INV':
        pushOpen(openInvoices, doc.number, index);
        invoiced += doc.amount;
        outcomes[index] = { accepted: true };
        break;
      case 'CM':
        if (credited + doc.amount > invoiced) {
          outcomes[index] = {
            accepted: false,
            code: 'CM_EXCEEDS_BILLED',
            message:
              `credit memo ${doc.number} of ${money(doc.amount)} would bring the line's credits to ` +
              `${money(credited + doc.amount)}, more than the ${money(invoiced)} invoiced and not cancelled by ` +
              `${String(doc.billingDate)}; reduce the credit or load the invoice first`,
          };
        } else {
          pushOpen(openCredits, doc.number, index);
          credited += doc.amount;
          outcomes[index] = { accepted: true };
        }
        break;
      case 'IVC':
      case 'CMC': {
        const isInvoiceCancel = doc.type === 'IVC';
        const open = isInvoiceCancel ? openInvoices : openCredits;
        const target = takeOpen(open, documents, doc.referenceDocument ?? '', doc.amount);
        const targetName = isInvoiceCancel ? 'invoice (INV)' : 'credit memo (CM)';
        if (target === undefined) {
          outcomes[index] = {
            accepted: false,
            code: 'UNKNOWN_REFERENCE',
            message:
              `${doc.type} ${doc.number} cancels ${doc.referenceDocument ? `"${doc.referenceDocument}"` : 'no document'}, ` +
              `but no open ${targetName} of that number is on this line by ${String(doc.billingDate)}; ` +
              `fix Reference_Document or load the ${isInvoiceCancel ? 'INV' : 'CM'} first`,
          };
        } else if (target.partial) {
          outcomes[index] = {
            accepted: false,
            code: isInvoiceCancel ? 'IVC_PARTIAL' : 'CMC_PARTIAL',
            message:
              `${doc.type} ${doc.number} of ${money(doc.amount)} cancels ${doc.referenceDocument} of ` +
              `${money(target.amount)}: a cancellation must be for the full amount` +
              (isInvoiceCancel ? '; use a credit memo (CM) for a partial credit' : ''),
          };
        } else {
          if (isInvoiceCancel) invoiced -= doc.amount;
          else credited -= doc.amount;
          outcomes[index] = { accepted: true, cancels: target.index };
        }
        break;
      }
      default:
        throw new Error(`Unexpected document type ${String((doc as { type: unknown }).type)} on ${doc.number}`);
    }
  }
  return outcomes;
}

function pushOpen(open: Map<string, number[]>, number: string, index: number): void {
  const list = open.get(number);
  if (list) list.push(index);
  else open.set(number, [index]);
}

/**
 * Removes and returns the open document of that number with the same amount; when only other amounts are open,
 * reports the first as partial without removing it.
 */
function takeOpen(
  open: Map<string, number[]>,
  documents: readonly BillingDocument[],
  number: string,
  amount: bigint,
): { index: number; partial: false } | { partial: true; amount: bigint } | undefined {
  const list = open.get(number);
  if (!list || list.length === 0) return undefined;
  const position = list.findIndex((i) => (documents[i] as BillingDocument).amount === amount);
  if (position < 0) return { partial: true, amount: (documents[list[0] as number] as BillingDocument).amount };
  const [index] = list.splice(position, 1);
  return { index: index as number, partial: false };
}
