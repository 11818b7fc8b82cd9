/**
 * The workspace's address as the admin types it, and the browser permission for its site. A module
 * of its own, free of valibot: the options page checks the address before anything is sent.
 */
import { err, ok, type Result } from './result';

/** Normalizes what an admin types into a workspace base URL, or says why it cannot be one. */
export function parseWorkspaceUrl(input: string): Result<URL, 'empty' | 'invalid' | 'insecure'> {
  const trimmed = input.trim();
  if (trimmed === '') return err('empty');
  let url: URL;
  try {
    url = new URL(trimmed);
  } catch {
    return err('invalid');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return err('invalid');
  if (url.username || url.password) return err('invalid');
  // Plain HTTP would send the workspace token in the clear; only loopback may use it.
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) return err('insecure');
  url.hash = '';
  url.search = '';
  if (!url.pathname.endsWith('/')) url.pathname += '/';
  return ok(url);
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** The permission pattern for a workspace origin, as `permissions.request` wants it. */
export const originPattern = (url: URL): string => `${url.protocol}//${url.hostname}/*`;
