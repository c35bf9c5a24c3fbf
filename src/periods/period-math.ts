/** YYYYMM period arithmetic for the CLI side (SQL models have their own macros). */
export function nextPeriod(period: number): number {
  return period % 100 === 12 ? period + 89 : period + 1;
}

export function previousPeriod(period: number): number {
  return period % 100 === 1 ? period - 89 : period - 1;
}

export function isPeriod(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 190001 && value <= 299912 && value % 100 >= 1 && value % 100 <= 12;
}

export function parsePeriod(text: string): number | undefined {
  if (!/^\d{6}$/.test(text)) return undefined;
  const value = Number(text);
  return isPeriod(value) ? value : undefined;
}
