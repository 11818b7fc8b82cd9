/** Compile-time flags (vite.config.ts `define`); production builds fix both to `false`. */

/** Development and test builds also trust a Stripe emulator on loopback. */
declare const __ALLOW_LOOPBACK_STRIPE__: boolean;
/**
 * Test seams and benchmark marks: compiled into development and benchmark builds only, so that
 * nothing a test or `npm run bench` needs steers what admins run (the production build is scanned
 * for them in test/e2e/secrets.test.ts).
 */
declare const __TEST_HOOKS__: boolean;
