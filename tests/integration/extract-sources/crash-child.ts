/**
 * Child process of crash-recovery.test.ts: extracts one local folder into a warehouse file and, inside the landing
 * transaction of `<key>` (its rows and manifest row written, COMMIT not yet sent), says "in-transaction" and waits
 * to be killed. Files before it commit normally.
 *
 *   node --import tsx crash-child.ts <warehouse.duckdb> <source folder> <key>
 */
import { dirname } from 'node:path';
import { runExtract } from '../../../src/extract/extract-service.js';
import { JsonReporter } from '../../../src/reporter/json-reporter.js';
import { Warehouse } from '../../../src/warehouse/warehouse.js';

const [warehousePath, folder, key] = process.argv.slice(2);
if (!warehousePath || !folder || !key) throw new Error('usage: crash-child.ts <warehouse.duckdb> <folder> <key>');
const wh = await Warehouse.open({ path: warehousePath, threads: 1 }, { command: 'crash child' });
await runExtract(wh, {
  sections: { extract: [{ name: 'inbox', kind: 'local', folder }] },
  reporter: new JsonReporter(process.stderr),
  clock: () => new Date(),
  // beside the warehouse, in the test's folder: the kill leaves the download folder behind, and the test removes it
  tempDir: dirname(warehousePath),
  beforeCommit: async (event) => {
    if (event.key !== key) return;
    process.stdout.write('in-transaction\n');
    await new Promise(() => setInterval(() => undefined, 60_000)); // until SIGKILL
  },
});
