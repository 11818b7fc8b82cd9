/**
 * Every screen in Spanish, read for English: each scene of `npm run screenshots` (the popup and
 * the settings in every state, Details opened) is shown in a Spanish browser, Chromium with
 * `--lang=es` and Firefox with Debian's language pack, and no English sentence of ours, no raw
 * browser or Stripe text, and no common English word may be visible or in a label or tooltip.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { followLink } from '../../scripts/page-navigation';
import { scenes, stageScene } from '../../scripts/scenes';
import { BROWSERS, openOptions, startWorld, type World } from './support';

type Messages = Record<string, { message: string }>;
const locale = (lang: string) =>
  JSON.parse(readFileSync(resolve(import.meta.dirname, `../../public/_locales/${lang}/messages.json`), 'utf8')) as Messages;
const en = locale('en');
const es = Object.values(locale('es'))
  .map((m) => m.message)
  .join('\n');

/** Our English sentences, as the literal runs between their placeholders, where Spanish differs. */
const ENGLISH_PHRASES = Object.values(en)
  .flatMap((m) => m.message.split(/\$\w+\$/))
  .map((part) => part.trim().replace(/[.:]$/, ''))
  .filter((part) => part.length >= 10 && !es.includes(part));
/** Our short English labels (buttons, pills, headings), matched whole. */
const ENGLISH_LABELS = new Set(
  Object.values(en)
    .map((m) => m.message)
    .filter((message) => !es.split('\n').includes(message)),
);
/** What browsers and Stripe say in English, as the scenes carry it in their error details. */
const RAW = ['Failed to fetch', 'The user did not approve access', 'The user denied your request', 'The API token is not valid'];
/** Words no Spanish sentence of ours contains. */
const ENGLISH_WORDS = /\b(the|was|were|and|to|of|not|your|with|this|could|please|is|are|has|you|will|try|again|failed|signed|saved)\b/i;

/** What the page shows and says (text, labels, tooltips), names and identifiers left out. */
const readable = (page: Page) =>
  page.evaluate(() => {
    document.querySelectorAll('details').forEach((d) => (d.open = true));
    // Names the workspace chose and identifiers are not ours to translate.
    const foreign = 'code, bdi, .name, script, style';
    const copy = document.body.cloneNode(true) as HTMLElement;
    copy.querySelectorAll(foreign).forEach((e) => e.remove());
    // …nor inside our labels ("Desconectar <the account's name>").
    const names = [...document.querySelectorAll('.name')].map((e) => e.textContent.trim()).filter(Boolean);
    const withoutNames = (label: string) => names.reduce((rest, name) => rest.replaceAll(name, ''), label);
    const labels = [...document.querySelectorAll('[title], [aria-label]')]
      .filter((e) => !e.matches(foreign) && !e.closest('.meta'))
      .flatMap((e) => [e.getAttribute('title') ?? '', e.getAttribute('aria-label') ?? ''])
      .map(withoutNames);
    const controls = [...document.querySelectorAll('button, summary, h1, h2, label, .status')].map((e) => e.textContent.trim());
    return { text: [copy.textContent, ...labels, document.title].join('\n').replace(/\s+/g, ' '), whole: [...controls, ...labels] };
  });

describe.each(BROWSERS)('no untranslated string in Spanish (%s)', (browserName) => {
  let world: World | undefined;
  let page: Page;
  beforeAll(async () => {
    if (browserName === 'firefox') {
      expect(
        inject('firefoxSpanish'),
        "Firefox's Spanish language pack (Debian firefox-esr-l10n-es-es) is missing and could not be installed",
      ).toBe(true);
    }
    world = await startWorld({ lang: 'es', browser: browserName });
    page = await openOptions(world);
  }, 60_000);
  afterAll(async () => {
    await world?.close();
  });

  it.each(scenes('es').map((scene) => [scene.name, scene] as const))('%s', async (_, scene) => {
    const w = world!;
    await stageScene(page, w.server.url, scene);
    await followLink(page, w.extensionUrl(`src/${scene.page}/index.html?scene=${scene.name}`));
    await page.waitForSelector('main h1');
    await page.waitForFunction(() => !document.querySelector('[aria-busy=true]'), { polling: 50 });
    await scene.act?.(page);

    const { text, whole } = await readable(page);
    expect(await page.$eval('html', (html) => html.lang)).toBe('es');
    expect(text).toContain('Workspace Connect');
    // Error details are opened and read too.
    if (/failed|bad-token|unreachable/.test(scene.name)) expect(text).toContain('Código del error');
    expect(ENGLISH_PHRASES.filter((phrase) => text.includes(phrase))).toEqual([]);
    expect(whole.filter((label) => ENGLISH_LABELS.has(label))).toEqual([]);
    expect(RAW.filter((raw) => text.includes(raw))).toEqual([]);
    expect(text.match(ENGLISH_WORDS)?.[0] ?? null, text).toBeNull();
  });
});
