import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { ConfigError } from '../../../src/errors.js';
import { latestScheduledTime } from '../../../src/extract/schedule.js';
import { DEFAULT_SCHEDULE } from '../../../src/extract/schedule.js';
import { ExtractHarness, FAST_RETRY, invoicesCsv, localDeliver, localSource, uniqueName } from './extract-sources-kit.js';

/**
 * `--if-due` against a real warehouse: each call runs the extract with the clock pinned (what REVREC_NOW does for
 * the CLI), and the decision comes from the source's last successful run in meta.extract_runs.
 */
describe('extract --if-due', () => {
  let h: ExtractHarness;
  let inbox: string;
  beforeAll(async () => {
    h = await ExtractHarness.create();
    inbox = await mkdtemp(join(tmpdir(), 'revrec-if-due-'));
    await localDeliver(inbox, { 'invoices.csv': invoicesCsv(2) });
  });
  afterAll(async () => {
    await h.close();
    await rm(inbox, { recursive: true, force: true });
  });

  /** Runs `extract --if-due` at `now` and says which sources ran. */
  async function dueAt(sources: object[], now: string): Promise<string[]> {
    const outcome = await h.extract(sources, { ifDue: true, clock: () => new Date(now) });
    return outcome.sources.map((s) => s.source);
  }

  it('by default runs daily at midnight US Eastern, through the change to daylight saving time', async () => {
    const source = localSource(uniqueName('daily'), inbox);
    const name = source.name as string;
    expect(await dueAt([source], '2024-03-09T17:00:00Z')).toEqual([name]); // never ran: due
    expect(await dueAt([source], '2024-03-09T23:00:00Z')).toEqual([]);
    expect(await dueAt([source], '2024-03-10T04:59:59Z')).toEqual([]); // 23:59:59 EST
    expect(await dueAt([source], '2024-03-10T05:00:00Z')).toEqual([name]); // midnight EST
    expect(await dueAt([source], '2024-03-11T03:59:00Z')).toEqual([]); // 23:59 EDT: clocks went forward that night
    expect(await dueAt([source], '2024-03-11T04:00:00Z')).toEqual([name]); // midnight EDT
    const runs = await h.rows(`SELECT started_at::VARCHAR AS at, status FROM meta.extract_runs WHERE source = '${name}' ORDER BY started_at`);
    expect(runs).toEqual([
      { at: '2024-03-09 17:00:00', status: 'success' },
      { at: '2024-03-10 05:00:00', status: 'success' },
      { at: '2024-03-11 04:00:00', status: 'success' },
    ]);
  });

  it('weekly on a day and time in a zone of its choosing', async () => {
    const source = localSource(uniqueName('weekly'), inbox, { schedule: { every: 'weekly', day: 'friday', at: '06:30', timezone: 'Europe/Berlin' } });
    const name = source.name as string;
    expect(await dueAt([source], '2024-05-03T05:00:00Z')).toEqual([name]); // Friday 07:00 CEST, first run
    expect(await dueAt([source], '2024-05-09T12:00:00Z')).toEqual([]); // Thursday
    expect(await dueAt([source], '2024-05-10T04:29:00Z')).toEqual([]); // Friday 06:29 CEST
    expect(await dueAt([source], '2024-05-10T04:30:00Z')).toEqual([name]); // Friday 06:30 CEST
    expect(await dueAt([source], '2024-05-16T04:30:00Z')).toEqual([]);
  });

  it('monthly on a day of the month, or on the last day with -1', async () => {
    const first = localSource(uniqueName('monthly'), inbox, { schedule: { every: 'monthly' } }); // the 1st, midnight New York
    const last = localSource(uniqueName('month-end'), inbox, { schedule: { every: 'monthly', day_of_month: -1, at: '23:00', timezone: 'UTC' } });
    const [a, b] = [first.name as string, last.name as string];
    expect(await dueAt([first, last], '2024-01-31T23:30:00Z')).toEqual([a, b]);
    expect(await dueAt([first, last], '2024-02-01T04:59:00Z')).toEqual([]);
    expect(await dueAt([first, last], '2024-02-01T05:00:00Z')).toEqual([a]);
    expect(await dueAt([first, last], '2024-02-29T22:59:00Z')).toEqual([]);
    expect(await dueAt([first, last], '2024-02-29T23:00:00Z')).toEqual([b]); // leap year
    expect(await dueAt([first, last], '2024-03-15T12:00:00Z')).toEqual([a]);
    expect(await dueAt([first, last], '2024-03-31T23:00:00Z')).toEqual([b]);
  });

  it('a run that could not read its source stays due, so the next tick tries again', async () => {
    const broken = { name: uniqueName('down'), kind: 's3', bucket: 'b', endpoint: 'http://127.0.0.1:1', access_key_id: 'AKIAX', secret_access_key: 'not-a-real-secret', retry: FAST_RETRY };
    const outcome = await h.extract([broken], { ifDue: true, clock: () => new Date('2024-06-01T12:00:00Z') });
    expect(outcome.sources[0]?.error).toMatch(/list failed after 3 attempts: network error/);
    expect(await dueAt([broken], '2024-06-01T12:05:00Z')).toEqual([broken.name]);
    const runs = await h.rows(`SELECT status FROM meta.extract_runs WHERE source = '${broken.name}'`);
    expect(runs).toEqual([{ status: 'error' }, { status: 'error' }]);
  });

  it('reports sources that are not due', async () => {
    const source = localSource(uniqueName('skip'), inbox);
    await dueAt([source], '2024-07-01T12:00:00Z');
    const outcome = await h.extract([source], { ifDue: true, clock: () => new Date('2024-07-01T13:00:00Z') });
    expect(outcome).toEqual({ sources: [], skippedNotDue: [source.name] });
  });

  it('refuses schedules that cannot mean what they say', async () => {
    const bad = [
      [{ every: 'daily', day: 'friday' }, 'day applies to every: weekly, not daily'],
      [{ every: 'weekly', day_of_month: 3 }, 'day_of_month applies to every: monthly'],
      [{ every: 'monthly', day_of_month: 31 }, 'day_of_month'],
      [{ timezone: 'Mars/Olympus' }, 'an IANA time zone'],
      [{ at: '24:00' }, 'HH:MM'],
    ] as const;
    for (const [schedule, message] of bad) {
      const error = await h.extract([localSource('x', inbox, { schedule })]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
    }
  });

  it('places a time that daylight saving skips just after the gap, and a repeated one at its first occurrence', () => {
    const at = (time: string, now: string) => latestScheduledTime({ ...DEFAULT_SCHEDULE, at: time }, new Date(now)).toISOString();
    expect(at('02:30', '2024-03-10T12:00:00Z')).toBe('2024-03-10T07:30:00.000Z'); // 03:30 EDT
    expect(at('01:30', '2024-11-03T12:00:00Z')).toBe('2024-11-03T05:30:00.000Z'); // 01:30 EDT, not EST
    expect(at('00:00', '2024-07-04T03:59:00Z')).toBe('2024-07-03T04:00:00.000Z');
  });
});
