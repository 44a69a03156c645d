import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { servedDocument, typesFrom } from '../../tools/openapi.js';

const COMMITTED = fileURLToPath(new URL('../../../clients/typescript/src/openapi.ts', import.meta.url));

describe('client types', () => {
  it('clients/typescript/src/openapi.ts is what openapi-typescript makes of the served document (npm run client:types)', async () => {
    const fresh = await typesFrom(await servedDocument());
    const committed = readFileSync(COMMITTED, 'utf8');
    assert.ok(
      fresh === committed,
      'the committed client types differ from the served OpenAPI document: run npm run client:types and commit the result',
    );
  });
});
