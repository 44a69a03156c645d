/** Issues 4 and 8: durable single-record POSTs, with every field and filter of schema 2 in place. */
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordBodies } from '../lib/bodies.js';
import { atLeast, BASELINES, type Goal, MEMORY_HEADER, memoryRow, records } from '../lib/goal.js';
import type { LoadRequest } from '../lib/load-types.js';
import { checkId, Results, type Target, THROUGHPUT_HEADER } from '../lib/measure.js';
import type { ServerProcess } from '../lib/servers.js';
import { sampleMemory } from '../lib/servers.js';
import { pairedRatios, ratioText } from '../lib/stats.js';

export const post: Goal = {
  name: 'post',
  title: 'Durable single-record POST throughput',
  async run(bench) {
    const big = records(bench.big.records);
    const bodies: LoadRequest[] = recordBodies(bench, 64, 1).map((r) => ({
      method: 'POST',
      path: '/api/v1/activity_log',
      body: JSON.stringify(r),
    }));
    const actFresh = await bench.startActlog(join(bench.tmp, 'actlog-post.db'), 'actlog (post)');
    const bare = await bench.start('bare-http', [BASELINES.bare]);
    const stub = await bench.start('actlog-stub (post)', [BASELINES.stub]);
    const naive = await bench.start('naive (post)', [BASELINES.naive, '--db', join(bench.tmp, 'naive-post.db')]);
    bench.log(`  copying the ${big}-record data set`);
    const bigCopy = join(bench.tmp, 'actlog-big-copy.db');
    copyFileSync(bench.big.file, bigCopy);
    const actBig = await bench.startActlog(bigCopy, 'actlog (post, big)');
    const memory = sampleMemory(actBig.pid);
    const target = (id: string, label: string, server: ServerProcess): Target => ({
      id,
      label,
      server,
      requests: bodies,
      expectStatus: 200,
      check: checkId,
      freshEventIds: true,
    });
    const r = new Results(
      await bench.measure([
        target('actlog', 'actlog: POST (empty db)', actFresh),
        target('bare', 'bare-http: POST', bare),
        target('stub', 'actlog-stub: POST (no storage)', stub),
        target('naive', 'naive: POST (empty db)', naive),
        target('actlog-big', `actlog: POST (${big} records)`, actBig),
      ]),
    );
    const peak = memory.stop();
    const bareRatio = pairedRatios(r.rps('actlog'), r.rps('bare'));
    const bigRatio = pairedRatios(r.rps('actlog-big'), r.rps('bare'));
    const naiveRatio = pairedRatios(r.rps('actlog'), r.rps('naive'));
    return {
      verdicts: [
        atLeast(8, 'durable POST throughput, actlog / bare node:http', bareRatio, 0.33),
        atLeast(4, 'durable POST throughput, actlog / bare node:http (the standing goal)', bareRatio, 0.5),
        atLeast(4, 'durable POST throughput, actlog / naive', naiveRatio, 6),
      ],
      body: [
        `${bench.mode.connections} connections POST 64 generated records in turn, with every field of extensions ` +
          '§1 where the generator gives it (status, error, task_id, duration_ms, metadata) but no timestamp (the ' +
          'server stamps it, as for a script posting as it acts), half of them with a ' +
          'fresh `event_id` per request (so every POST stores a record). Each answer means the record is durable ' +
          '(synchronous=FULL, group commit).',
        '',
        ...THROUGHPUT_HEADER,
        r.row('actlog (empty database)', 'actlog'),
        r.row('bare node:http (ceiling)', 'bare'),
        r.row('naive (empty database)', 'naive'),
        r.row('actlog HTTP stack on a no-op store (reference)', 'stub'),
        r.row(`actlog (${big} records)`, 'actlog-big'),
        '',
        `actlog / bare: ${ratioText(bareRatio)} · at ${big}: ${ratioText(bigRatio)} · actlog / naive: ${ratioText(naiveRatio)} · ` +
          `HTTP stack alone / bare: ${ratioText(pairedRatios(r.rps('stub'), r.rps('bare')))}.`,
        '',
        ...MEMORY_HEADER,
        memoryRow(`actlog writing to ${big} records`, peak),
      ],
      raw: { results: Object.fromEntries(r.all), memory: peak },
    };
  },
};
