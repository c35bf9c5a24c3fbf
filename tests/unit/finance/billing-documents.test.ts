import { describe, expect, test } from 'vitest';
import type { BillingDocument } from '../../../src/finance/billing-documents.js';
import { applyBillingDocuments } from '../../../src/finance/billing-documents.js';

const doc = (number: string, type: BillingDocument['type'], billingDate: string, amount: bigint, referenceDocument?: string): BillingDocument => ({
  number,
  type,
  billingDate,
  amount,
  referenceDocument,
});

describe('applyBillingDocuments', () => {
  test('INV, CM, CMC all accepted; CMC cancels the CM', () => {
    const docs = [doc('CMC1', 'CMC', '2019-05-03', 9050n, 'CM1'), doc('INV1', 'INV', '2019-01-01', 18100n), doc('CM1', 'CM', '2019-02-01', 9050n, 'INV1')];
    expect(applyBillingDocuments(docs)).toEqual([{ accepted: true, cancels: 2 }, { accepted: true }, { accepted: true }]);
  });

  test('IVC must cancel an open INV in full', () => {
    const docs = [
      doc('INV1', 'INV', '2024-01-10', 10000n),
      doc('IVC1', 'IVC', '2024-01-20', 5000n, 'INV1'),
      doc('IVC2', 'IVC', '2024-01-21', 10000n, 'INV1'),
      doc('IVC3', 'IVC', '2024-01-22', 10000n, 'INV1'),
      doc('IVC4', 'IVC', '2024-01-22', 10000n, 'NOPE'),
    ];
    const out = applyBillingDocuments(docs);
    expect(out[0]).toEqual({ accepted: true });
    expect(out[1]).toMatchObject({ accepted: false, code: 'IVC_PARTIAL' });
    expect(out[1]?.message).toContain('50.00');
    expect(out[2]).toEqual({ accepted: true, cancels: 0 });
    expect(out[3]).toMatchObject({ accepted: false, code: 'UNKNOWN_REFERENCE' }); // INV1 no longer open
    expect(out[4]).toMatchObject({ accepted: false, code: 'UNKNOWN_REFERENCE' });
  });

  test('same date: INV before IVC before CM before CMC, whatever the input order', () => {
    const docs = [
      doc('CMC1', 'CMC', '2024-01-10', 3000n, 'CM1'),
      doc('CM1', 'CM', '2024-01-10', 3000n, 'INV1'),
      doc('IVC1', 'IVC', '2024-01-10', 10000n, 'INV1'),
      doc('INV1', 'INV', '2024-01-10', 10000n),
    ];
    const out = applyBillingDocuments(docs);
    // INV1 accepted, IVC1 cancels it, then CM1 exceeds the (now zero) billing, so CMC1 has nothing to cancel.
    expect(out[3]).toEqual({ accepted: true });
    expect(out[2]).toEqual({ accepted: true, cancels: 3 });
    expect(out[1]).toMatchObject({ accepted: false, code: 'CM_EXCEEDS_BILLED' });
    expect(out[0]).toMatchObject({ accepted: false, code: 'UNKNOWN_REFERENCE' });
  });

  test('a cancellation dated before its document is an unknown reference at that point', () => {
    const out = applyBillingDocuments([doc('IVC1', 'IVC', '2024-01-01', 100n, 'INV1'), doc('INV1', 'INV', '2024-01-02', 100n)]);
    expect(out[0]).toMatchObject({ accepted: false, code: 'UNKNOWN_REFERENCE' });
    expect(out[1]).toEqual({ accepted: true });
  });

  test('CM limit counts CMs less cancelled CMs against INVs less IVCs, by then', () => {
    const docs = [
      doc('INV1', 'INV', '2024-01-01', 10000n),
      doc('CM1', 'CM', '2024-01-05', 6000n, 'INV1'),
      doc('CM2', 'CM', '2024-01-06', 5000n, 'INV1'), // 11000 > 10000: rejected
      doc('CMC1', 'CMC', '2024-01-07', 6000n, 'CM1'),
      doc('CM3', 'CM', '2024-01-08', 10000n, 'INV1'), // 0 + 10000 ≤ 10000: accepted
      doc('CM4', 'CM', '2024-01-09', 1n, 'INV1'), // rejected
      doc('CMC2', 'CMC', '2024-01-10', 5000n, 'CM3'), // partial
      doc('CMC3', 'CMC', '2024-01-10', 5000n, 'CM2'), // CM2 was rejected: unknown
    ];
    expect(applyBillingDocuments(docs).map((o) => o.code ?? 'ok')).toEqual([
      'ok',
      'ok',
      'CM_EXCEEDS_BILLED',
      'ok',
      'ok',
      'CM_EXCEEDS_BILLED',
      'CMC_PARTIAL',
      'UNKNOWN_REFERENCE',
    ]);
  });

  test('ties on date and type go by number; epoch-day dates work too', () => {
    const out = applyBillingDocuments([
      { number: 'CM-B', type: 'CM', billingDate: 100, amount: 60n },
      { number: 'CM-A', type: 'CM', billingDate: 100, amount: 60n },
      { number: 'INV', type: 'INV', billingDate: 99, amount: 100n },
    ]);
    expect(out.map((o) => o.accepted)).toEqual([false, true, true]);
  });

  test('100k documents in well under a second', () => {
    const docs: BillingDocument[] = [];
    for (let i = 0; i < 25_000; i++) {
      const day = 18000 + i;
      docs.push({ number: `I${i}`, type: 'INV', billingDate: day, amount: 1000n });
      docs.push({ number: `C${i}`, type: 'CM', billingDate: day, amount: 400n });
      docs.push({ number: `X${i}`, type: 'CMC', billingDate: day + 1, amount: 400n, referenceDocument: `C${i}` });
      docs.push({ number: `V${i}`, type: 'IVC', billingDate: day + 2, amount: 1000n, referenceDocument: `I${i}` });
    }
    const started = performance.now();
    const out = applyBillingDocuments(docs);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(out.every((o) => o.accepted)).toBe(true);
  });
});
