import { beforeEach, describe, expect, it } from 'vitest';
import { buildIsCurrent } from '../../../src/periods/build-freshness.js';
import { compileRequest } from '../../../src/run/invocation.js';
import { useFixtureProject } from './export-test-kit.js';
import type { ExportProject } from './export-test-kit.js';

const ORDER =
  'Sales_Order_Id,Sales_Order_Item_Id,Customer_Id,Product_Id,Order_Date,Quantity,List_Price,Sale_Price,SSP,Currency,Service_Start_Date,Service_End_Date,Reference_Invoice_Number\nSO-9,SO-9-01,C-900,P-100,2024-01-20,1,285.00,285.00,,USD,2024-01-20,2025-01-19,\n';

describe('build freshness (a close after a build runs only the data tests)', () => {
  const project = useFixtureProject();
  let p: ExportProject;
  beforeEach(() => {
    p = project();
  });

  it('is current only after a complete build of everything landed, for the period it built', async () => {
    const { graph } = await compileRequest({ projectDir: p.dir, env: p.env });
    expect(await buildIsCurrent(p.wh, graph, 202401)).toBe(false);
    await p.build();
    expect(await buildIsCurrent(p.wh, graph, 202401)).toBe(true);
    expect(await buildIsCurrent(p.wh, graph, 202402)).toBe(false);
    await p.land({ 'orders_late.csv': ORDER });
    expect(await buildIsCurrent(p.wh, graph, 202401)).toBe(false);
    await p.build();
    expect(await buildIsCurrent(p.wh, graph, 202401)).toBe(true);
    // A changed project (here a var) has another state hash: not current.
    const { graph: otherVars } = await compileRequest({ projectDir: p.dir, env: p.env, vars: { max_rate_age_days: 5 } });
    expect(await buildIsCurrent(p.wh, otherVars, 202401)).toBe(false);
  });

  it('answers false instead of failing when a relation it reads is missing', async () => {
    const { graph } = await compileRequest({ projectDir: p.dir, env: p.env });
    await p.wh.run('ALTER TABLE raw.exclusions RENAME TO exclusions_away');
    try {
      expect(await buildIsCurrent(p.wh, graph, 202401)).toBe(false);
    } finally {
      await p.wh.run('ALTER TABLE raw.exclusions_away RENAME TO exclusions');
    }
  });
});
