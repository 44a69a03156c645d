import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { NODE_FLAGS } from '../../src/cli/launch.js';

const root = new URL('../../../', import.meta.url);
const read = (file: string) => readFileSync(new URL(file, root), 'utf8');

describe('how node is started', () => {
  it("gives the actlog command's first line and npm start the launch flags, which V8 reads only at start", () => {
    assert.ok(NODE_FLAGS.length > 0);
    const firstLine = read('src/cli/main.ts').split('\n')[0];
    assert.equal(firstLine, `#!/usr/bin/env -S node ${NODE_FLAGS.join(' ')}`);
    const start = JSON.parse(read('package.json')).scripts.start as string;
    assert.match(start, new RegExp(` node ${NODE_FLAGS.join(' ')} dist/src/cli/main\\.js serve$`));
  });
});
