import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { beforeEach, describe, it } from 'node:test';
import { CSV_COLUMNS, fromCsvRow, parseCsv, unsafeCell } from '../../src/api/csv.js';
import type { ActivityRecord } from '../../src/domain/fields.js';
import { buildApp } from '../../src/http/app.js';
import { aRecord, mixedRecords } from '../helpers/records.js';
import { call, postJson } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

/** Text a spreadsheet would take for a formula, and text that is merely awkward for CSV. */
const awkward = [
  '=HYPERLINK("http://evil.example","click")',
  '+1 follower',
  '-5 minutes',
  '@mention',
  '\tleading tab',
  "'already quoted",
  'comma, "quotes" and\nnewline\r\nand CRLF',
  'a lone\nline feed',
  'a lone\rcarriage return',
  ' spaces around ',
  'Ärger 🎉 中文 — ünïcödé',
  '',
];

const hasPython = (() => {
  try {
    execFileSync('python3', ['-c', 'import csv'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

eachStore('export', (ctx) => {
  // Through call(), so that every export is checked against the OpenAPI document too.
  const exported = async (query: string) => {
    const { status, headers, text } = await call(`${ctx.server.api}/export${query}`);
    return { response: { status, headers }, text };
  };

  describe('GET /api/v1/activity_log/export', () => {
    let stored: ActivityRecord[];
    beforeEach(async () => {
      await ctx.store.deleteAll();
      const records = [
        ...mixedRecords(40),
        ...awkward.map((text, i) =>
          aRecord({
            action_detail: text,
            username: text.slice(0, 255),
            task_id: text || 'task',
            error: text || undefined,
            timestamp: i,
          }),
        ),
      ].map((r) => (r.error === undefined ? (({ error: _e, ...rest }) => rest)(r) : r));
      await postJson(`${ctx.server.api}/batch`, records);
      stored = (await call(`${ctx.server.api}?limit=1000`)).body.data.reverse();
    });

    it('streams NDJSON oldest first, each line as list answers show the record, as an attachment', async () => {
      const { response, text } = await exported('');
      assert.equal(response.status, 200);
      assert.equal(response.headers.get('content-type'), 'application/x-ndjson; charset=utf-8');
      assert.match(
        response.headers.get('content-disposition') ?? '',
        /^attachment; filename="actlog-\d{8}T\d{6}Z\.ndjson"$/,
      );
      assert.equal(text, `${stored.map((r) => JSON.stringify(r)).join('\n')}\n`);
      const filtered = await exported('?format=ndjson&status=failed&since=1');
      const expected = stored.filter((r) => r.status === 'failed' && r.timestamp >= 1);
      assert.equal(filtered.text, expected.map((r) => `${JSON.stringify(r)}\n`).join(''));
      assert.equal((await exported('?serial=none')).text, '');
    });

    it('writes CSV with a header of every field, empty absent fields, metadata as JSON, formula-like text made safe', async () => {
      const { response, text } = await exported('?format=csv');
      assert.equal(response.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.match(response.headers.get('content-disposition') ?? '', /filename="actlog-\d{8}T\d{6}Z\.csv"$/);
      const [header, ...rows] = parseCsv(text);
      assert.deepEqual(header, CSV_COLUMNS);
      assert.equal(rows.length, stored.length);
      assert.ok(text.includes('\r\n'));
      const formula = rows.find((row) => row[4]?.includes('HYPERLINK'));
      assert.equal(formula?.[4], `'${awkward[0]}`);
      assert.equal(rows.find((row) => row[4] === "''already quoted")?.[4], "''already quoted");
      const withMetadata = stored.find((r) => r.metadata);
      const metadataRow = rows.find((row) => row[0] === String(withMetadata?.id));
      assert.equal(metadataRow?.[11], JSON.stringify(withMetadata?.metadata));
      const plain = rows.find((row) => row[7] === '');
      assert.ok(plain, 'a record without status has an empty status cell');
    });

    it("reads back exactly with Python's csv module, after undoing the formula guard", {
      skip: !hasPython && 'python3 is not installed',
    }, async () => {
      const { text } = await exported('?format=csv');
      const script =
        'import csv, io, json, sys\nrows = list(csv.reader(io.StringIO(sys.stdin.read(), newline="")))\nprint(json.dumps(rows))';
      const rows = JSON.parse(execFileSync('python3', ['-c', script], { input: text }).toString()) as string[][];
      assert.deepEqual(rows, parseCsv(text));
      const details = rows.slice(1).map((row) => unsafeCell(row[4] as string));
      assert.deepEqual(
        details,
        stored.map((r) => r.action_detail),
      );
    });

    it('round-trips: an export imported into an empty store gives the same records, apart from ids', async () => {
      for (const format of ['ndjson', 'csv'] as const) {
        const { text } = await exported(`?format=${format}`);
        const items =
          format === 'ndjson'
            ? text
                .trim()
                .split('\n')
                .map((line) => JSON.parse(line))
            : (([header, ...rows]) => rows.map((row, i) => fromCsvRow(header as string[], row, i)))(parseCsv(text));
        await ctx.store.deleteAll();
        const answer = await postJson(`${ctx.server.api}/batch`, items);
        assert.equal(answer.body.data.added, stored.length, answer.text.slice(0, 300));
        const again = (await call(`${ctx.server.api}?limit=1000`)).body.data.reverse() as ActivityRecord[];
        const withoutIds = (records: ActivityRecord[]) => records.map(({ id: _id, ...rest }) => rest);
        assert.deepEqual(withoutIds(again), withoutIds(stored), format);
        await ctx.store.deleteAll();
        await postJson(`${ctx.server.api}/batch`, withoutIds(stored));
      }
    });

    it('refuses a bad format or filter with 40001', async () => {
      for (const query of ['?format=xlsx', '?since=2&until=1']) {
        const { response, text } = await exported(query);
        assert.equal(response.status, 400);
        assert.equal(JSON.parse(text).code, 40001);
      }
    });
  });
});

describe('export failing midway', () => {
  it('aborts the connection, so a partial file never looks complete', async () => {
    let calls = 0;
    const records = Array.from({ length: 5000 }, (_, i) => ({ id: i + 1, ...aRecord() }));
    // A store that serves two steps of records, then fails: the HTTP side is what is tested.
    const failing = {
      ascending: async <T>(
        _f: unknown,
        after: number,
        limit: number,
        render: (row: unknown[], labels: string[]) => T,
      ) => {
        if (++calls > 1) throw new Error('the disk went away');
        return records
          .filter((r) => r.id > after)
          .slice(0, limit)
          .map((r) =>
            render(
              [r.id, 1, r.action_detail, r.timestamp, null, null, null, null, null],
              [r.platform, r.serial, r.action_type, r.username, ''],
            ),
          );
      },
      close: async () => undefined,
      changes: { subscribe: () => () => undefined },
    };
    const app = await buildApp({ store: failing as never });
    const url = await app.listen({ host: '127.0.0.1', port: 0 });
    try {
      const outcome = await new Promise<{ bytes: number; error?: string; complete: boolean }>((resolve) => {
        let bytes = 0;
        request(`${url}/api/v1/activity_log/export`, (response) => {
          response.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
          });
          response.on('end', () => resolve({ bytes, complete: response.complete }));
          response.on('error', (error) => resolve({ bytes, error: error.message, complete: response.complete }));
          response.on('aborted', () => resolve({ bytes, error: 'aborted', complete: false }));
        })
          .on('error', (error) => resolve({ bytes, error: error.message, complete: false }))
          .end();
      });
      assert.ok(outcome.bytes > 0, 'the first step was sent');
      assert.equal(outcome.complete, false, 'the response must not end cleanly');
    } finally {
      await app.close();
    }
  });
});
