import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import semver from 'semver';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => JSON.parse(readFileSync(new URL(file, root), 'utf8'));

describe('supported Node versions', () => {
  it('includes the Node running these tests, as package.json states', () => {
    const range = read('package.json').engines.node;
    assert.ok(semver.satisfies(process.version, range), `${process.version} is not in engines.node "${range}"`);
  });

  // npm install prints EBADENGINE for each of these: the first thing a newcomer sees.
  it('is supported by every installed package (no EBADENGINE warning on npm install)', () => {
    const unsupported = Object.keys(read('package-lock.json').packages)
      .filter((path) => path && existsSync(new URL(`${path}/package.json`, root)))
      .map((path) => ({ path, range: read(`${path}/package.json`).engines?.node as string | undefined }))
      .filter(({ range }) => range && !semver.satisfies(process.version, range))
      .map(({ path, range }) => `${path} wants node ${range}`);
    assert.deepEqual(unsupported, [], `unsupported on ${process.version}`);
  });
});
