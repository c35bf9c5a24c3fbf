/**
 * Layers that add engine-owned tables or warehouse initializers register themselves on import; the CLI imports
 * them all before any command runs.
 */
import '../periods/period-tables.js';
import '../periods/export-snapshot-tables.js';
import '../extract/raw-table-initializer.js';
import '../extract/load-manifest.js';
