/** Checks real server answers against openapi/workspace-api.yaml, so the document cannot drift (conformance/contract.ts). */
import { expect } from 'vitest';
import { checkAgainstContract } from '../../conformance/contract';

export { documentedRequest, openapi } from '../../conformance/contract';

/** Fails the test unless the response is one the contract documents for this operation. */
export async function expectContract(method: string, pathTemplate: string, response: Response): Promise<unknown> {
  const { body, problems } = await checkAgainstContract(method, pathTemplate, response);
  expect(problems, `${method} ${pathTemplate} ${response.status} matches the contract`).toEqual([]);
  return body;
}
