import { formatMinor } from '../finance/money.js';

/**
 * Minor units → `1,234,567.89` (thousands grouped, exactly `minorUnit` decimals, `-` for negatives), by string and
 * bigint arithmetic only: a HUGEINT sum is never squeezed through a JS number.
 */
export function formatAmount(minor: bigint, minorUnit: number): string {
  const text = formatMinor(minor, minorUnit);
  const negative = text.startsWith('-');
  const [whole, fraction] = (negative ? text.slice(1) : text).split('.');
  const grouped = whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${negative ? '-' : ''}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** `202401` → `2024-01`. */
export function periodLabel(period: number): string {
  return `${Math.floor(period / 100)}-${String(period % 100).padStart(2, '0')}`;
}
