import { describe, expect, it } from 'vitest';
import { pickLanguage } from '../../server/src/reasons';

describe('pickLanguage', () => {
  it.each([
    [undefined, 'en'],
    ['', 'en'],
    ['es', 'es'],
    ['es-MX,es;q=0.9', 'es'],
    ['fr-FR, es;q=0.7, en;q=0.8', 'en'],
    ['fr-FR, es;q=0.9, en;q=0.8', 'es'],
    ['es;q=0, en', 'en'],
    ['de', 'en'],
  ])('%j → %s', (header, language) => {
    expect(pickLanguage(header)).toBe(language);
  });
});
