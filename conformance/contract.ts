/**
 * Answers held to openapi/workspace-api.yaml: is this status documented for the operation, with
 * its content type, required headers and body schema? Shared by the conformance kit and the
 * server tests, so the document and every implementation are checked the same way.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { parse } from 'yaml';

type Json = Record<string, any>;
export const openapi = parse(readFileSync(resolve(import.meta.dirname, '../openapi/workspace-api.yaml'), 'utf8')) as Json;

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

export interface ContractCheck {
  /** The parsed body (null when there is none, or it is not JSON). */
  body: unknown;
  /** What does not match the document; empty when the answer is one it documents. */
  problems: string[];
}

/** Reads the response and compares it with what the contract documents for this operation. */
export async function checkAgainstContract(method: string, pathTemplate: string, response: Response): Promise<ContractCheck> {
  const where = `${method} ${pathTemplate} ${response.status}`;
  const text = await response.text();
  const operation = openapi.paths?.[pathTemplate]?.[method.toLowerCase()];
  if (!operation) return { body: null, problems: [`${method} ${pathTemplate} is not in the contract`] };
  const documented = operation.responses[String(response.status)];
  if (!documented) return { body: parseOrNull(text), problems: [`${method} ${pathTemplate} does not document status ${response.status}`] };
  const spec = resolveRef(documented);
  const content = spec.content as Json | undefined;
  if (!content) return { body: null, problems: text === '' ? [] : [`${where} must have no body`] };
  const problems: string[] = [];
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!Object.keys(content).includes(contentType))
    problems.push(`${where}: content type ${contentType || '(none)'}, documented ${Object.keys(content).join(', ')}`);
  for (const [name, header] of Object.entries((spec.headers ?? {}) as Json)) {
    if (header.required && response.headers.get(name) === null) problems.push(`${where}: header ${name} missing`);
  }
  const body = parseOrNull(text);
  if (body === null) return { body, problems: [...problems, `${where}: body is not JSON`] };
  const schema = (content[contentType] ?? Object.values(content)[0]).schema as object;
  const validate = ajv.compile(absolutize(schema) as object);
  if (!validate(body)) {
    for (const error of validate.errors ?? [])
      problems.push(`${where}: ${error.instancePath || '(body)'} ${error.message ?? ''} ${JSON.stringify(error.params)}`);
  }
  return { body, problems };
}

function parseOrNull(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** The request body schema the contract documents for an operation, compiled. */
export function documentedRequest(method: string, pathTemplate: string): (body: unknown) => boolean {
  const operation = openapi.paths?.[pathTemplate]?.[method.toLowerCase()];
  const schema = operation.requestBody.content['application/json'].schema as object;
  const validate = ajv.compile(absolutize(schema) as object);
  return (body) => validate(body);
}
