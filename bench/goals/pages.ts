/**
 * Issue 8: newest-100 pages stay flat from 1M to 10M records for every combination of the six
 * equality filters and for the adversarial cases; none is far above the unfiltered page; the
 * unfiltered page is near the pre-built-page ceiling; memory stays bounded. The naive baseline
 * answers the same filters for contrast. (Issue 4's deep-page goal rides along.)
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type Adversarial,
  type Combination,
  DatasetTruth,
  describeFilter,
  type Filter,
  recordMatches,
} from '../lib/filters.js';
import {
  API,
  atLeast,
  atMost,
  BASELINES,
  type Goal,
  MB,
  MEMORY_HEADER,
  memoryRow,
  query,
  records,
} from '../lib/goal.js';
import { envelopeData, Results, type Target, THROUGHPUT_HEADER } from '../lib/measure.js';
import { ensureNaiveDataset } from '../lib/naive-data.js';
import { httpRequest, type ServerProcess, sampleMemory } from '../lib/servers.js';
import { fmt, num, pairedRatios, ratioText, spread } from '../lib/stats.js';

const PAGE = 100;

/** A page answer: full, or every match; each record matching, newest first, before the cursor. */
export function checkPage(truth: DatasetTruth, filter: Filter, beforeId?: number) {
  return (body: string): string | undefined => {
    const data = envelopeData<Record<string, unknown>[]>(body);
    for (const [i, record] of data.entries()) {
      if (!recordMatches(record, filter)) return `record ${record.id} does not match ${describeFilter(filter)}`;
      if (i > 0 && (record.id as number) >= ((data[i - 1] as Record<string, unknown>).id as number))
        return 'not newest first';
      if (beforeId !== undefined && (record.id as number) >= beforeId)
        return `record ${record.id} not before ${beforeId}`;
    }
    if (data.length < PAGE && beforeId === undefined) {
      const expected = truth.count(filter);
      if (expected !== data.length) return `${data.length} records, but ${expected} match`;
    } else if (data.length !== PAGE) return `${data.length} records, expected ${PAGE}`;
    return undefined;
  };
}

export const pages: Goal = {
  name: 'pages',
  title: 'Newest-100 pages under every filter',
  async run(bench) {
    const { mode } = bench;
    const small = records(bench.small.records);
    const big = records(bench.big.records);
    const truthSmall = new DatasetTruth(bench.small.file);
    const truthBig = new DatasetTruth(bench.big.file);
    const combos = truthSmall.combinations();
    const adversarial = truthSmall.adversarial();
    const naiveFile = ensureNaiveDataset(bench.big.file, bench.log);
    try {
      const actSmall = await bench.startActlog(bench.small.file, 'actlog (small)');
      const actBig = await bench.startActlog(bench.big.file, 'actlog (big)');
      const memory = sampleMemory(actBig.pid);
      const naive = await bench.start('naive (big)', [BASELINES.naive, '--db', naiveFile]);
      const firstPage = await httpRequest(`${actBig.origin}${API}`);
      const pageFile = join(bench.tmp, 'page.json');
      writeFileSync(pageFile, firstPage.body);
      const bare = await bench.start('bare-http', [BASELINES.bare, '--page', pageFile]);
      const stub = await bench.start('actlog-stub', [BASELINES.stub, '--page', pageFile]);

      const pageTarget = (
        id: string,
        label: string,
        server: ServerProcess,
        filters: Filter[],
        truth: DatasetTruth,
      ): Target => ({
        id,
        label,
        server,
        requests: filters.map((f) => ({ method: 'GET', path: `${API}${query(f)}` })),
        expectStatus: 200,
        check: (body, request) =>
          checkPage(truth, filters.find((f) => request.path === `${API}${query(f)}`) ?? {})(body),
      });

      // ---- the headline: the unfiltered page against the ceiling, and a deep cursor
      const beforeId = Math.floor(bench.big.records / 2);
      const headline = new Results(
        await bench.measure([
          pageTarget('first', `actlog ${big}: first page`, actBig, [{}], truthBig),
          {
            id: 'deep',
            label: `actlog ${big}: before_id ${beforeId}`,
            server: actBig,
            requests: [{ method: 'GET', path: `${API}${query({ before_id: beforeId })}` }],
            expectStatus: 200,
            check: checkPage(truthBig, {}, beforeId),
          },
          {
            id: 'bare',
            label: 'bare-http: pre-built page',
            server: bare,
            requests: [{ method: 'GET', path: API }],
            expectStatus: 200,
          },
          {
            id: 'stub',
            label: 'actlog-stub: records from memory',
            server: stub,
            requests: [{ method: 'GET', path: API }],
            expectStatus: 200,
          },
        ]),
      );

      // ---- the matrix: every combination and every adversarial case, at both sizes
      const cases: (Combination | (Adversarial & { filters: Filter[] }))[] = [
        ...combos,
        ...adversarial.map((a) => ({ ...a, filters: [a.filter] })),
      ];
      const matrixTargets = cases.flatMap((c) => [
        pageTarget(`small:${c.key}`, `actlog ${small}: ${c.key}`, actSmall, c.filters, truthSmall),
        pageTarget(`big:${c.key}`, `actlog ${big}: ${c.key}`, actBig, c.filters, truthBig),
      ]);
      const matrix = new Results(
        await bench.measure(matrixTargets, { rounds: mode.matrixRounds, seconds: mode.matrixSeconds }),
      );

      // ---- contrast: one connection, actlog and naive on the same filters
      const contrastKeys = ['none', 'username', 'task_id', 'serial+action_type', ...adversarial.map((a) => a.key)];
      const contrastCases = cases.filter((c) => contrastKeys.includes(c.key));
      const contrast = new Results(
        await bench.measure(
          contrastCases.flatMap((c) => [
            {
              ...pageTarget(`actlog:${c.key}`, `actlog ${big}, one connection: ${c.key}`, actBig, c.filters, truthBig),
              amount: mode.singleAmount,
            },
            {
              ...pageTarget(`naive:${c.key}`, `naive ${big}, one connection: ${c.key}`, naive, c.filters, truthBig),
              amount: mode.slowAmount,
              check: undefined,
            },
          ]),
          { rounds: mode.matrixRounds },
        ),
      );
      const peak = memory.stop();

      // ---- verdicts
      const growth = cases.map((c) => ({
        c,
        ratio: pairedRatios(matrix.mean(`big:${c.key}`), matrix.mean(`small:${c.key}`)),
      }));
      const worstGrowth = growth.reduce((a, b) => (b.ratio.median > a.ratio.median ? b : a));
      const overUnfiltered = cases.map((c) => ({
        c,
        ratio: pairedRatios(matrix.mean(`big:${c.key}`), matrix.mean('big:none')),
      }));
      const worstOver = overUnfiltered.reduce((a, b) => (b.ratio.median > a.ratio.median ? b : a));
      const ceiling = pairedRatios(headline.rps('first'), headline.rps('bare'));
      const deep = pairedRatios(headline.mean('deep'), headline.mean('first'));
      const peakMB = (peak.hwmKiB * 1024) / MB;
      const verdicts = [
        atMost(
          8,
          `newest-100 page, ${big} / ${small}, worst of ${cases.length} filter cases (${worstGrowth.c.key})`,
          worstGrowth.ratio,
          1.3,
        ),
        atMost(8, `worst filtered page / unfiltered page at ${big} (${worstOver.c.key})`, worstOver.ratio, 3),
        atLeast(8, `unfiltered newest-100 page throughput (${big}) / pre-built page on bare node:http`, ceiling, 0.25),
        atMost(
          8,
          `peak RSS serving ${big} records (${truthBig.labelSets.toLocaleString('en')} label sets) under load`,
          spread([peakMB]),
          200,
          'MB',
          `${num(peakMB, 0)} MB`,
        ),
        atMost(4, `before_id page half-way down / first page (${big})`, deep, 1.3),
      ];
      const matrixRow = (c: Combination | Adversarial, filters: Filter[]) => {
        const g = growth.find((x) => x.c.key === c.key)?.ratio;
        const o = overUnfiltered.find((x) => x.c.key === c.key)?.ratio;
        return (
          `| ${c.key} | ${filters.map((f) => truthBig.count(f).toLocaleString('en')).join(' / ')} | ` +
          `${fmt(spread(matrix.mean(`small:${c.key}`)))} | ${fmt(spread(matrix.mean(`big:${c.key}`)))} | ` +
          `${g ? ratioText(g) : ''} | ${o ? ratioText(o) : ''} | ${g && g.median <= 1.3 && o && o.median <= 3 ? '' : '**MISS**'} |`
        );
      };
      const anchors = truthSmall.anchors();
      const body = [
        `The values of each combination come from one of two anchor records, alternated by the load: a record of ` +
          `the most common label set, and one of a label set 5 % down the list (\`bench/lib/filters.ts\`):`,
        '',
        ...anchors.map((a, i) => `- anchor ${i + 1}: \`${describeFilter(a)}\``),
        '',
        'Adversarial cases:',
        '',
        ...adversarial.map((a) => `- **${a.key}**: ${a.why}: \`${describeFilter(a.filter)}\``),
        '',
        `Every answer was checked first: each record matches, newest first, and a page holds ${PAGE} records or ` +
          'every match (counted with plain SQL on the data set file).',
        '',
        '### The unfiltered page against the ceiling',
        '',
        ...THROUGHPUT_HEADER,
        headline.row(`actlog, newest 100 of ${big}`, 'first'),
        headline.row(`actlog, \`before_id=${beforeId}\` (half-way down)`, 'deep'),
        headline.row(`bare node:http, the same ${num(Buffer.byteLength(firstPage.body), 0)} bytes pre-built`, 'bare'),
        headline.row('actlog HTTP stack serving the same records from memory (reference)', 'stub'),
        '',
        `actlog / bare: ${ratioText(ceiling)} (goal ≥ 0.25×) · deep / first: ${ratioText(deep)} (goal ≤ 1.3×).`,
        '',
        `### Every combination of the six equality filters, and the adversarial cases (${mode.connections} connections)`,
        '',
        `| filters | matching in ${big} (anchor 1 / 2) | ${small}: mean latency (ms) | ${big}: mean latency (ms) | ${big} / ${small} (goal ≤ 1.3×) | / unfiltered at ${big} (goal ≤ 3×) | |`,
        '|---|---:|---:|---:|---:|---:|---|',
        ...combos.map((c) => matrixRow(c, c.filters)),
        ...adversarial.map((a) => matrixRow(a, [a.filter])),
        '',
        `### Contrast: the naive baseline on the same ${big} records (one connection)`,
        '',
        '| filters | actlog mean (ms) | naive mean (ms) | naive / actlog |',
        '|---|---:|---:|---:|',
        ...contrastCases.map((c) => {
          const a = spread(contrast.mean(`actlog:${c.key}`));
          const n = spread(contrast.mean(`naive:${c.key}`));
          return `| ${c.key} | ${fmt(a)} | ${fmt(n)} | ${num(n.median / a.median, 0)}× |`;
        }),
        '',
        ...MEMORY_HEADER,
        memoryRow(`actlog serving ${big} records (everything above)`, peak),
      ];
      return {
        verdicts,
        body,
        raw: {
          anchors,
          adversarial,
          headline: Object.fromEntries(headline.all),
          matrix: Object.fromEntries(matrix.all),
          contrast: Object.fromEntries(contrast.all),
          memory: peak,
        },
      };
    } finally {
      truthSmall.close();
      truthBig.close();
    }
  },
};
