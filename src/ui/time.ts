const formats = new Map<string, Intl.RelativeTimeFormat>();

/** "5 minutes ago" in the browser's language. */
export function formatSince(thenMs: number, nowMs: number, language: string): string {
  // Never "in 2 minutes": a workspace clock ahead of this one reads as "now".
  const seconds = Math.min(0, Math.round((thenMs - nowMs) / 1000));
  // Building a formatter costs far more than using one: one per language, not one per row.
  let format = formats.get(language);
  if (!format) {
    format = new Intl.RelativeTimeFormat(language, { numeric: 'auto' });
    formats.set(language, format);
  }
  const units: Array<[Intl.RelativeTimeFormatUnit, number]> = [
    ['day', 86_400],
    ['hour', 3_600],
    ['minute', 60],
  ];
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit);
  }
  return format.format(0, 'second');
}

const counts = new Map<string, Intl.NumberFormat>();

/** "12,345" in the page's language; one formatter per language, as for dates. */
export function formatCount(count: number, language: string): string {
  let format = counts.get(language);
  if (!format) {
    format = new Intl.NumberFormat(language);
    counts.set(language, format);
  }
  return format.format(count);
}
