import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { Kysely, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDBDialect } from '../../../src/warehouse/kysely/duckdb-dialect.js';

interface LedgerTable {
  id: string; // BIGINT: exact string out, string or bigint in
  amount: string; // DECIMAL(38,6)
  minor: string; // HUGEINT
  posted: string; // DATE as YYYY-MM-DD
  note: string | null;
}
interface DB {
  'book.ledger': LedgerTable;
}

let instance: DuckDBInstance;
let connection: DuckDBConnection;
let db: Kysely<DB>;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  connection = await instance.connect();
  await connection.run(`create schema book; create table book.ledger (id BIGINT PRIMARY KEY, amount DECIMAL(38,6), minor HUGEINT, posted DATE, note VARCHAR)`);
  db = new Kysely<DB>({ dialect: new DuckDBDialect(connection) });
});

afterAll(() => {
  connection.closeSync();
  instance.closeSync();
});

describe('Kysely dialect over @duckdb/node-api', () => {
  it('round-trips DECIMAL, BIGINT, HUGEINT and DATE exactly (never through a double or a local-time Date)', async () => {
    const rows = [
      { id: '9007199254740993', amount: '12345678901234567890123456789012.123456', minor: '170141183460469231731687303715884105727', posted: '2024-02-29', note: null },
      { id: '-9223372036854775808', amount: '-0.000001', minor: '-1', posted: '1970-01-01', note: 'x' },
    ];
    await db.insertInto('book.ledger').values(rows).execute();
    const back = await db.selectFrom('book.ledger').selectAll().orderBy('id').execute();
    expect(back).toEqual([rows[1], rows[0]]);
    const sum = await db.selectFrom('book.ledger').select(sql<string>`sum(amount)`.as('total')).executeTakeFirstOrThrow();
    expect(sum.total).toBe('12345678901234567890123456789012.123455');
  });

  it('binds bigint parameters exactly and filters on them', async () => {
    const found = await db.selectFrom('book.ledger').select('id').where('id', '=', sql<string>`${9007199254740993n}`).execute();
    expect(found).toEqual([{ id: '9007199254740993' }]);
  });

  it('reports affected rows for INSERT, UPDATE and DELETE, and supports RETURNING', async () => {
    const insert = await db.insertInto('book.ledger').values({ id: '1', amount: '1.5', minor: '1', posted: '2024-01-31', note: null }).executeTakeFirstOrThrow();
    expect(insert.numInsertedOrUpdatedRows).toBe(1n);
    const update = await db.updateTable('book.ledger').set({ note: 'seen' }).where('note', 'is', null).executeTakeFirstOrThrow();
    expect(update.numUpdatedRows).toBe(2n);
    const returned = await db.insertInto('book.ledger').values({ id: '2', amount: '2.25', minor: '2', posted: '2024-12-31', note: null }).returning(['id', 'amount', 'posted']).execute();
    expect(returned).toEqual([{ id: '2', amount: '2.250000', posted: '2024-12-31' }]);
    const removed = await db.deleteFrom('book.ledger').where('id', 'in', ['1', '2']).executeTakeFirstOrThrow();
    expect(removed.numDeletedRows).toBe(2n);
  });

  it('a JavaScript Date parameter lands on its UTC calendar day', async () => {
    await db.insertInto('book.ledger').values({ id: '3', amount: '0', minor: '0', posted: new Date('2024-03-31T00:00:00.000Z') as unknown as string, note: null }).execute();
    expect(await db.selectFrom('book.ledger').select('posted').where('id', '=', '3').executeTakeFirstOrThrow()).toEqual({ posted: '2024-03-31' });
  });

  it('transactions commit or roll back as a whole', async () => {
    await expect(
      db.transaction().execute(async (trx) => {
        await trx.insertInto('book.ledger').values({ id: '10', amount: '1', minor: '1', posted: '2024-01-01', note: null }).execute();
        await trx.insertInto('book.ledger').values({ id: '10', amount: '1', minor: '1', posted: '2024-01-01', note: null }).execute();
      }),
    ).rejects.toThrow(/PRIMARY KEY|Duplicate key/i);
    expect(await db.selectFrom('book.ledger').select('id').where('id', '=', '10').execute()).toEqual([]);
    await db.transaction().execute(async (trx) => {
      await trx.insertInto('book.ledger').values({ id: '11', amount: '1', minor: '1', posted: '2024-01-01', note: null }).execute();
    });
    expect(await db.selectFrom('book.ledger').select('id').where('id', '=', '11').execute()).toEqual([{ id: '11' }]);
  });
});
