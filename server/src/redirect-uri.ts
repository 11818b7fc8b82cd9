/**
 * Redirect URIs a browser extension's identity API can receive. Its own module: the workspace API
 * and the Stripe emulator both check it, and neither should depend on the other.
 */
export const EXTENSION_REDIRECT_URI = /^https:\/\/([a-p]{32}\.chromiumapp\.org|[0-9a-f]{40}\.extensions\.allizom\.org)\/[\w\-./]*$/;
