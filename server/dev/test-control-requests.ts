/** Bodies of the test controls (only with WORKSPACE_TEST_CONTROLS=1), checked like the API's own. */
import * as v from 'valibot';

export const FaultRequest = v.strictObject({
  method: v.exactOptional(v.string()),
  path: v.string(),
  kind: v.picklist(['status', 'respond', 'delay', 'drop', 'drop-after', 'malformed', 'unexpected']),
  status: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(599))),
  code: v.exactOptional(v.string()),
  detail: v.exactOptional(v.string()),
  headers: v.exactOptional(v.record(v.string(), v.string())),
  body: v.exactOptional(v.unknown()),
  delayMs: v.exactOptional(v.pipe(v.number(), v.minValue(0))),
  times: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

export const SeedRequest = v.strictObject({
  count: v.exactOptional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000))),
});

export const BreakRequest = v.strictObject({ how: v.picklist(['revoked', 'expired', 'error']) });

export const ClockRequest = v.strictObject({ advanceSeconds: v.pipe(v.number(), v.minValue(0), v.maxValue(400 * 24 * 3600)) });
