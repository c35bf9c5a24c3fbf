import { csvField } from './csv-file-writer.js';
import { formatScaled } from './money-text.js';
import { MINOR_UNITS, PRODUCTS } from './product-catalogue.js';

/**
 * The text of `seeds/products.csv` for the sample catalogue: one row per product, currency and SSP change, SSPs at
 * the currency's decimals. A unit test keeps the seed file equal to this, so the generator and the engine never
 * disagree on an SSP.
 */
export function renderProductsSeed(): string {
  const lines = ['Product_Id,Product_Code,Product_Name,Recognition_Method,SSP,Currency,Effective_From'];
  for (const p of PRODUCTS) {
    for (const row of p.ssp) {
      lines.push(
        [
          p.id,
          p.code,
          p.name,
          p.method,
          formatScaled(row.ssp, MINOR_UNITS[row.currency]),
          row.currency,
          row.effectiveFrom,
        ]
          .map(csvField)
          .join(','),
      );
    }
  }
  return `${lines.join('\n')}\n`;
}
