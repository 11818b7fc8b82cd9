import { defineConfig } from 'vite';
import preact from '@preact/preset-vite';
import { crx, type ManifestV3Export } from '@crxjs/vite-plugin';
import baseManifest from './manifest.json' with { type: 'json' };
import pkg from './package.json' with { type: 'json' };
import { DEVELOPMENT_KEY, GECKO_ID } from './scripts/extension-ids.ts';

export default defineConfig(({ mode }) => {
  // One source, two targets: `WC_BROWSER=firefox` builds the Firefox variant.
  const firefox = process.env.WC_BROWSER === 'firefox';
  const production = mode === 'production';
  // `bench`: the production bundle, with the development manifest so it can run against the
  // reference workspace on loopback (npm run bench).
  const bench = mode === 'bench';
  const { background, ...common } = baseManifest;
  const GECKO_ANDROID = { gecko_android: { strict_min_version: '142.0' } };
  const manifest: ManifestV3Export = {
    ...common,
    version: pkg.version,
    // Firefox MV3 runs the background as an event page.
    background: firefox ? { scripts: [background.service_worker], type: 'module' } : background,
    // The first Chromium with a native, promise-based `browser` (src/background/browser.ts); and
    // the shape of the organization's policy (Firefox reads policies.json without a schema).
    ...(firefox ? {} : { minimum_chrome_version: '148', storage: { managed_schema: 'managed_schema.json' } }),
    ...(firefox
      ? {
          browser_specific_settings: {
            gecko: {
              id: GECKO_ID,
              // 140: the first with `data_collection_permissions`, which new listings need.
              strict_min_version: '140.0',
              data_collection_permissions: { required: ['none'] },
            },
            // Spread, not written inline: crxjs's manifest type does not know gecko_android yet.
            ...GECKO_ANDROID,
          },
        }
      : {}),
    ...(production
      ? {}
      : {
          ...(firefox
            ? {
                // WebDriver BiDi may not navigate to moz-extension: pages, but a loopback page may
                // link to web-accessible ones; development builds only, for the end-to-end tests.
                web_accessible_resources: [{ resources: ['src/*'], matches: ['http://127.0.0.1/*'] }],
              }
            : { key: DEVELOPMENT_KEY }),
          // The reference workspace runs on loopback; granting it at install time lets the
          // options page's run-time permission request resolve without a browser prompt.
          host_permissions: ['http://127.0.0.1/*', 'http://localhost/*'],
        }),
  };

  return {
    plugins: [preact(), crx({ manifest, browser: firefox ? 'firefox' : 'chrome' })],
    define: {
      // Loopback Stripe origins (the emulator) are trusted only outside production builds.
      __ALLOW_LOOPBACK_STRIPE__: JSON.stringify(!production),
      // Test seams and benchmark marks (src/build-flags.d.ts): never in what admins run.
      __TEST_HOOKS__: JSON.stringify(!production),
    },
    build: {
      // Development and test builds carry the pinned key and trust loopback: never ship them.
      outDir: `dist/${firefox ? 'firefox' : 'chrome'}${production ? '' : bench ? '-bench' : '-dev'}`,
      emptyOutDir: true,
      target: 'es2022',
      // Extension pages support modulepreload natively; the polyfill would be dead weight.
      modulePreload: { polyfill: false },
      sourcemap: !production && !bench,
      rolldownOptions: {
        output: {
          // The small pure modules the pages share with the service worker, as one chunk rather
          // than one each: every file is one more request before the popup can run.
          codeSplitting: { groups: [{ name: 'core', test: /[\\/]src[\\/]shared[\\/](state|health|errors|translate|attention)\.ts$/ }] },
        },
      },
    },
    server: { port: 5173, strictPort: true, hmr: { port: 5173 } },
  };
});
