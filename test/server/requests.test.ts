/**
 * The server's request schemas (server/src/requests.ts) accept exactly what the OpenAPI document
 * accepts: for any body built from the fields it knows, others and wrong types, both say the same.
 */
import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { CompletionRequest, ConnectSessionRequest } from '../../server/src/requests';
import { documentedRequest } from './contract';

/** Bodies made of the known fields, an unknown one, and values of every JSON type. */
const bodies = (fields: string[]) =>
  fc.dictionary(
    fc.constantFrom(...fields, 'extra'),
    fc.oneof(fc.string(), fc.constant('ac_1'), fc.integer(), fc.boolean(), fc.constant(null), fc.constant({})),
    { maxKeys: fields.length + 1 },
  );

describe('request bodies: the server accepts what the contract documents', () => {
  it.each([
    ['POST', '/api/v1/connect-sessions', ConnectSessionRequest, ['provider', 'redirectUri', 'integrationId'], { provider: 'stripe' }],
    [
      'POST',
      '/api/v1/connect-sessions/{sessionId}/complete',
      CompletionRequest,
      ['code', 'state', 'error', 'errorDescription'],
      { code: 'ac_1' },
    ],
  ] as const)('%s %s', (method, path, schema, fields, fix) => {
    const documented = documentedRequest(method, path);
    fc.assert(
      fc.property(bodies([...fields]), (generated) => {
        // Values the document pins (`const: stripe`, `pattern: ^ac_`) are checked by the route
        // with their own problem codes; the shape is the schema's.
        const pinned = Object.entries(fix).filter(([key]) => typeof generated[key] === 'string');
        const body = { ...generated, ...Object.fromEntries(pinned) };
        expect(v.safeParse(schema, body).success, JSON.stringify(body)).toBe(documented(body));
      }),
      { numRuns: 2000 },
    );
  });
});
