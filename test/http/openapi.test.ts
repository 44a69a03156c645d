import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { call } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

eachStore('OpenAPI', (ctx) => {
  describe('OpenAPI', () => {
    it('serves an OpenAPI 3 document generated from the route schemas', async () => {
      const answer = await call(`${ctx.server.url}/openapi.json`);
      assert.equal(answer.status, 200);
      const doc = answer.body;
      assert.match(doc.openapi, /^3\./);
      assert.deepEqual(Object.keys(doc.paths).sort(), [
        '/api/v1/activity_log',
        '/api/v1/activity_log/all',
        '/api/v1/activity_log/batch',
        '/api/v1/activity_log/count',
        '/api/v1/activity_log/export',
        '/api/v1/activity_log/stats',
        '/api/v1/activity_log/stream',
        '/api/v1/activity_log/{id}',
      ]);
      assert.deepEqual(Object.keys(doc.paths['/api/v1/activity_log']).sort(), ['delete', 'get', 'post']);
      const post = doc.paths['/api/v1/activity_log'].post;
      const body = post.requestBody.content['application/json'].schema;
      assert.deepEqual(body.required, ['platform', 'serial', 'action_type']);
      const params = doc.paths['/api/v1/activity_log'].get.parameters.map((p: { name: string }) => p.name);
      for (const name of ['platform', 'serial', 'action_type', 'limit', 'offset', 'before_id'])
        assert.ok(params.includes(name), name);
      assert.ok(!('delete' in doc.paths['/api/v1/activity_log/count']), 'the hidden DELETE /count is not documented');
    });

    it('serves an interactive page at /docs', async () => {
      const answer = await call(`${ctx.server.url}/docs`, { redirect: 'follow' });
      assert.equal(answer.status, 200);
      assert.match(answer.text, /swagger-ui/i);
    });
  });
});
