/**
 * What `identity.launchWebAuthFlow` means by its rejections, which carry a message only: the one
 * place that knows the browsers' words, for Stripe's window and the workspace's sign-in alike.
 */

/** Chromium: "The user did not approve access."; Firefox: "User cancelled or denied access." */
export const closedByAdmin = (message: string): boolean => /did not approve|cancell?ed or denied/i.test(message);
