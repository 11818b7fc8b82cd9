/** Checks real server answers against openapi/workspace-api.yaml, so the document cannot drift. */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';
import { expect } from 'vitest';

type Json = Record<string, any>;
export const openapi = parse(readFileSync(resolve(import.meta.dirname, '../../openapi/workspace-api.yaml'), 'utf8')) as Json;

const ajv = new Ajv2020({ strict: false, allErrors: true });
// ajv-formats is CommonJS: its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv2020) => void;
addFormats(ajv);
ajv.addSchema({ $id: 'openapi', components: openapi.components });

function resolveRef(node: Json): Json {
  if (typeof node.$ref === 'string' && node.$ref.startsWith('#/')) {
    return node.$ref
      .slice(2)
      .split('/')
      .reduce((value: Json, key: string) => value[key], openapi);
  }
  return node;
}

/** Rewrites local refs so Ajv resolves them inside the registered document. */
function absolutize(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(absolutize);
  if (schema && typeof schema === 'object') {
    return Object.fromEntries(
      Object.entries(schema).map(([k, v]) => [k, k === '$ref' && typeof v === 'string' ? `openapi${v}` : absolutize(v)]),
    );
  }
  return schema;
}

/** Fails the test unless the response is one the contract documents for this operation. */
export async function expectContract(method: string, pathTemplate: string, response: Response): Promise<unknown> {
  const operation = openapi.paths?.[pathTemplate]?.[method.toLowerCase()];
  expect(operation, `${method} ${pathTemplate} is in the contract`).toBeDefined();
  const documented = operation.responses[String(response.status)];
  expect(documented, `${method} ${pathTemplate} documents status ${response.status}`).toBeDefined();
  const spec = resolveRef(documented);
  const content = spec.content as Json | undefined;
  const text = await response.text();
  if (!content) {
    expect(text, `${response.status} has no body`).toBe('');
    return null;
  }
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  expect(Object.keys(content), `content type of ${response.status}`).toContain(contentType);
  for (const [name, header] of Object.entries((spec.headers ?? {}) as Json)) {
    if (header.required) expect(response.headers.get(name), `header ${name}`).not.toBeNull();
  }
  const body = JSON.parse(text) as unknown;
  const validate = ajv.compile(absolutize(content[contentType].schema) as object);
  const valid = validate(body);
  expect(validate.errors ?? [], `${method} ${pathTemplate} ${response.status} body matches the contract`).toEqual([]);
  expect(valid).toBe(true);
  return body;
}

/** The request body schema the contract documents for an operation, compiled. */
export function documentedRequest(method: string, pathTemplate: string): (body: unknown) => boolean {
  const operation = openapi.paths?.[pathTemplate]?.[method.toLowerCase()];
  const schema = operation.requestBody.content['application/json'].schema as object;
  const validate = ajv.compile(absolutize(schema) as object);
  return (body) => validate(body);
}
