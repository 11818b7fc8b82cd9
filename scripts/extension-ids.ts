import { createHash } from 'node:crypto';

/**
 * The extension's fixed identities, in one place for the build (vite.config.ts), the browser
 * launchers and the tests.
 */

/**
 * Public half of the development signing key. It pins the Chromium extension id (and so the
 * identity redirect URL `https://bphafeaaifjipcafibonkolcgimildpk.chromiumapp.org/`) for
 * development and test builds. The Chrome Web Store refuses a manifest with `key`, so the
 * production build leaves it out.
 */
export const DEVELOPMENT_KEY =
  'MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAyo5jI1JGvp5NrOv5Mdu8k/i+0b3THTCrBOmLvaBU0V4A/mt15zolpJfFSkq2ODbLOVQdCy9GjDZ8rR/dDLoxUpAuccO4V2xCbVx6KqkfVrVgAbxX7CmW1HhO2Msf2eRkDMWdNMYA6Awg55NjM96HYFAMkQnxcnxEUpd73QgOTevKwgHlE1sdkKXZ0pcMnhFhIhL7mG5JnbZoeTGxdwhcExBeNItwb0/pdUZ/pQa2QNrq/5YmnHWN7LQ7BsUe6XdHaWYPZJ/Nh40hPFVSWkUCMaNBtUS3wXkHINxpHzvASElfjZjJh2sXS5ETAvHh4futV96U897L3XgQkHT/BHzDdwIDAQAB';

/** Firefox's add-on id: fixed, or its identity redirect URL would change on every temporary install. */
export const GECKO_ID = 'workspace-connect@workspace-connect.dev';

/** The Chromium extension id the development key pins. */
export const DEVELOPMENT_EXTENSION_ID = 'bphafeaaifjipcafibonkolcgimildpk';

/** `identity.getRedirectURL('stripe')` of development and test builds in Chromium. */
export const DEVELOPMENT_REDIRECT_URI = `https://${DEVELOPMENT_EXTENSION_ID}.chromiumapp.org/stripe`;

/**
 * Firefox's identity redirect host: the SHA-1 of the add-on id, in hex (Firefox's `ext-identity`
 * computes it so), the same for development builds and the published add-on.
 */
export const FIREFOX_REDIRECT_HOST = `${createHash('sha1').update(GECKO_ID).digest('hex')}.extensions.allizom.org`;

/** Where sign-in with the workspace returns: `identity.getRedirectURL('sign-in')` of each browser. */
export const SIGN_IN_REDIRECT_URIS = [
  `https://${DEVELOPMENT_EXTENSION_ID}.chromiumapp.org/sign-in`,
  `https://${FIREFOX_REDIRECT_HOST}/sign-in`,
];
