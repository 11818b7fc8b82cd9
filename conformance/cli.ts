/**
 * `npm run conformance -- <workspace URL> <admin token> [--standard-token <token>] [--redirect-uri <uri>]`
 * Checks a workspace against the contract and prints a pass/fail table; exits 1 when a check fails.
 */
import { parseArgs } from 'node:util';
import { formatTable, runConformance } from './checks';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { 'standard-token': { type: 'string' }, 'redirect-uri': { type: 'string' } },
});
const [workspaceUrl, adminToken] = positionals;
if (!workspaceUrl || !adminToken) {
  console.error('Usage: npm run conformance -- <workspace URL> <admin token> [--standard-token <token>] [--redirect-uri <uri>]');
  process.exit(2);
}
const results = await runConformance({
  workspaceUrl,
  adminToken,
  ...(values['standard-token'] ? { standardToken: values['standard-token'] } : {}),
  ...(values['redirect-uri'] ? { redirectUri: values['redirect-uri'] } : {}),
});
console.log(formatTable(results));
process.exit(results.some((r) => r.verdict === 'fail') ? 1 : 0);
