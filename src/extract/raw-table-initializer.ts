import { addWarehouseInitializer } from '../warehouse/state-tables.js';
import { ensureRawTables } from './landing/raw-tables.js';

/** Raw landing tables exist before any model runs, so staging models build even before the first file lands. */
addWarehouseInitializer((wh) => ensureRawTables(wh.connection));
