import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  apiFilter,
  describeFilters,
  filtersToParams,
  parseFilters,
  queryString,
  resolveRange,
} from '../../web/src/lib/filters.js';
import { type SseEvent, SseParser } from '../../web/src/lib/sse.js';
import { bucketStart, dayStarts, periods, startOfDay, toSeconds } from '../../web/src/lib/time.js';

/**
 * The dashboard's pure modules (web/src/lib): the event-stream parser behind the live view,
 * period and bucket arithmetic in the browser's zone, and filters in the URL.
 */

/** Runs `body` with the process in another time zone (Date reads TZ afresh when it changes). */
function inZone<T>(zone: string, body: () => T): T {
  const previous = process.env.TZ;
  process.env.TZ = zone;
  try {
    return body();
  } finally {
    if (previous === undefined) delete process.env.TZ;
    else process.env.TZ = previous;
  }
}

const local = (y: number, m: number, d: number, h = 0, mi = 0) => toSeconds(new Date(y, m - 1, d, h, mi));

describe('SseParser', () => {
  const stream =
    ': connected\r\n\r\nid: 7\r\nevent: record\r\ndata: {"id":7}\r\n\r\n: ping\n\n' +
    'event: delete\ndata: {"id":3}\n\nevent: delete_all\ndata: {}\r\rdata: a\ndata: b\n\n';
  const expected: SseEvent[] = [
    { event: 'record', data: '{"id":7}', lastEventId: '7' },
    { event: 'delete', data: '{"id":3}', lastEventId: '7' },
    { event: 'delete_all', data: '{}', lastEventId: '7' },
    { event: 'message', data: 'a\nb', lastEventId: '7' },
  ];

  it('reads records, deletes and multi-line data; skips comments', () => {
    assert.deepEqual(new SseParser().push(stream), expected);
  });

  it('gives the same events however the stream is cut into chunks (CRLF split included)', () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      for (const size of [1, 3]) {
        const parser = new SseParser();
        const events = [...parser.push(stream.slice(0, cut))];
        for (let at = cut; at < stream.length; at += size) events.push(...parser.push(stream.slice(at, at + size)));
        assert.deepEqual(events, expected, `cut at ${cut}, then chunks of ${size}`);
      }
    }
  });

  it('ignores a leading byte-order mark and an event without data', () => {
    assert.deepEqual(new SseParser().push('\ufeffevent: record\n\nid: 9\ndata: x\n\n'), [
      { event: 'message', data: 'x', lastEventId: '9' },
    ]);
  });
});

describe('periods in the browser zone', () => {
  it('today, this week and this month, with the previous ones cut at the same point', () => {
    inZone('Europe/Amsterdam', () => {
      const now = new Date(2026, 10, 27, 14, 30, 15); // Friday 27 November 2026, 14:30:15
      const p = periods(now, 1);
      assert.equal(p.today.since, local(2026, 11, 27));
      assert.equal(p.today.until, local(2026, 11, 28));
      assert.equal(p.today.previousSince, local(2026, 11, 26));
      assert.equal(p.today.previousUntil, local(2026, 11, 26, 14, 30) + 15);
      assert.equal(p.week.since, local(2026, 11, 23)); // Monday
      assert.equal(p.week.previousSince, local(2026, 11, 16));
      assert.equal(p.week.previousUntil, local(2026, 11, 20, 14, 30) + 15);
      assert.equal(p.month.since, local(2026, 11, 1));
      assert.equal(p.month.until, local(2026, 12, 1));
      assert.equal(p.month.previousSince, local(2026, 10, 1));
      assert.equal(p.month.previousUntil, local(2026, 10, 27, 14, 30) + 15);
      // Weeks starting on Sunday.
      assert.equal(periods(now, 0).week.since, local(2026, 11, 22));
    });
  });

  it('a day with a DST change is 23 or 25 hours; a shorter previous month is cut on its last day', () => {
    inZone('Europe/Amsterdam', () => {
      const spring = periods(new Date(2026, 2, 29, 12), 1).today;
      assert.equal(spring.until - spring.since, 23 * 3600);
      const autumn = periods(new Date(2026, 9, 25, 12), 1).today;
      assert.equal(autumn.until - autumn.since, 25 * 3600);
      const march31 = periods(new Date(2026, 2, 31, 10), 1).month;
      assert.equal(march31.previousUntil, local(2026, 2, 28, 10), 'February has no 31st: its last day');
    });
  });

  it('a day that starts at 01:00 (DST at midnight) starts there, as the server’s day buckets do', () => {
    inZone('America/Santiago', () => {
      // Chile moved its clocks from 00:00 to 01:00 on 6 September 2026.
      const start = startOfDay(new Date(2026, 8, 6, 12));
      assert.equal(start.getHours(), 1);
      assert.deepEqual(dayStarts(toSeconds(start) - 86_400, toSeconds(start) + 1).length, 2);
    });
  });

  it('reads the start of day and hour bucket keys, offsets with seconds included', () => {
    inZone('Asia/Kolkata', () => {
      assert.equal(bucketStart('2026-11-27'), local(2026, 11, 27));
    });
    assert.equal(bucketStart('2026-11-27T13:00+01:00'), Date.UTC(2026, 10, 27, 12) / 1000);
    assert.equal(bucketStart('2026-11-27T13:00+05:45'), Date.UTC(2026, 10, 27, 7, 15) / 1000);
    assert.equal(bucketStart('1971-06-01T11:00-00:44:30'), Date.UTC(1971, 5, 1, 11, 44, 30) / 1000);
    assert.throws(() => bucketStart('yesterday'));
  });
});

describe('filters in the URL', () => {
  it('read and written back unchanged, in a fixed order; unreadable values left out', () => {
    const params = new URLSearchParams(
      'q=captcha&status=failed&platform=tiktok&serial=R58M+1&range=7d&username=&task_id=T%2B1',
    );
    const filters = parseFilters(params);
    assert.deepEqual(filters, {
      fields: { platform: 'tiktok', serial: 'R58M 1', status: 'failed', task_id: 'T+1' },
      q: 'captcha',
      range: '7d',
    });
    assert.equal(
      filtersToParams(filters).toString(),
      'platform=tiktok&serial=R58M+1&status=failed&task_id=T%2B1&q=captcha&range=7d',
    );
    assert.deepEqual(parseFilters(new URLSearchParams('status=broken&range=forever&since=x')), {
      fields: {},
      range: 'all',
    });
  });

  it('a custom range is since and until; relative ranges resolve at the time asked', () => {
    const custom = parseFilters(new URLSearchParams('since=100&until=200'));
    assert.deepEqual(custom, { fields: {}, range: 'custom', since: 100, until: 200 });
    assert.equal(filtersToParams(custom).toString(), 'since=100&until=200');
    inZone('UTC', () => {
      const now = new Date(Date.UTC(2026, 10, 27, 10, 0, 0));
      const at = toSeconds(now);
      assert.deepEqual(resolveRange({ fields: {}, range: '1h' }, now), { since: at - 3600 });
      assert.deepEqual(resolveRange({ fields: {}, range: 'yesterday' }, now), {
        since: Date.UTC(2026, 10, 26) / 1000,
        until: Date.UTC(2026, 10, 27) / 1000,
      });
      assert.deepEqual(apiFilter({ fields: { platform: 'tiktok' }, q: 'x', range: 'today' }, now), {
        platform: 'tiktok',
        since: String(Date.UTC(2026, 10, 27) / 1000),
        until: String(Date.UTC(2026, 10, 28) / 1000),
        q: 'x',
      });
    });
  });

  it('describes filters in words, and encodes + for the API', () => {
    assert.equal(
      describeFilters({ fields: { platform: 'tiktok', status: 'failed' }, q: 'captcha', range: 'today' }, String),
      'platform = tiktok · status = failed · text contains “captcha” · today',
    );
    assert.equal(describeFilters({ fields: {}, range: 'all' }, String), 'all records');
    assert.equal(
      queryString({ tz: '+05:30', group_by: 'day,serial', limit: undefined, q: '' }),
      '?tz=%2B05%3A30&group_by=day%2Cserial',
    );
  });
});
