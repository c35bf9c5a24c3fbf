/**
 * The sample-company generator: deterministic demo and benchmark input files (see README.md in this folder).
 * Pure Node (no DuckDB); the `revrec sample` command and benchmarks call {@link generateCompany}.
 */
export { generateCompany, SUMMARY_FILE } from './company-generator.js';
export type { GenerateOptions } from './generate-options.js';
export type {
  ExpectedStageRow,
  FxSummary,
  GeneratedFile,
  GenerationSummary,
  SplitCheck,
} from './generation-summary.js';
export type { StageCode, StageStatus } from './sample-model.js';
export { PRODUCTS, SAMPLE_CURRENCIES, sspOn, type Product } from './product-catalogue.js';
