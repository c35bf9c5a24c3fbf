// Child of overlapping-runs.test.ts: waits until the agreed moment (busy, so every racer starts within
// microseconds), then takes the warehouse lock of the compiled CLI and prints "won", or the refusal.
//   node lock-race-child.mjs <dist/warehouse/warehouse-lock.js> <warehouse path> <epoch ms>
const [module, path, at] = process.argv.slice(2);
const { WarehouseLock } = await import(module);
while (Date.now() < Number(at)) {
  /* spin */
}
try {
  const lock = WarehouseLock.acquire(path, 'revrec pipeline (racer)');
  process.stdout.write('won\n');
  setTimeout(() => lock.release(), 300);
} catch (error) {
  process.stdout.write(`${error.message}\n`);
}
