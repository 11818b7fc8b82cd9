import { describe, expect, it } from 'vitest';
import { formatSince } from '../../src/ui/time';

describe('formatSince', () => {
  const now = Date.parse('2026-11-24T12:00:00Z');
  it('says how long ago, in the largest unit that fits', () => {
    expect(formatSince(now - 20_000, now, 'en')).toBe('now');
    expect(formatSince(now - 5 * 60_000, now, 'en')).toBe('5 minutes ago');
    expect(formatSince(now - 3 * 3_600_000, now, 'en')).toBe('3 hours ago');
    expect(formatSince(now - 86_400_000, now, 'en')).toBe('yesterday');
    expect(formatSince(now - 5 * 60_000, now, 'es')).toBe('hace 5 minutos');
  });

  it('never speaks of the future: a clock ahead of ours, or a time rounded down, reads as now', () => {
    expect(formatSince(now + 59_000, now, 'en')).toBe('now');
    expect(formatSince(now + 10 * 60_000, now, 'en')).toBe('now');
  });
});
