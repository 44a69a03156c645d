import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LABEL_FIELDS } from '../../src/domain/fields.js';
import { Rollup } from '../../src/store/rollup.js';
import { labelsOf, SeriesRegistry, type SeriesSelection } from '../../src/store/series.js';
import type { StatsSource } from '../../src/store/stats.js';
import { COMBINED_VALUES_MAX, ValueRollups } from '../../src/store/value-rollup.js';
import { aRecord } from '../helpers/records.js';

const HOUR = 3_600;
const START = 1_707_724_800;

/** 300 devices, each with a label set per platform (2) and outcome (2), each with `n` records an hour apart. */
function farm(devices = 300, n = 3) {
  const registry = new SeriesRegistry();
  const rollup = new Rollup();
  let series = 0;
  let id = 0;
  for (let d = 0; d < devices; d++) {
    for (const platform of ['p1', 'p2']) {
      for (const status of ['success', 'failed'] as const) {
        registry.add(++series, labelsOf(aRecord({ serial: `dev${d}`, platform, status })));
        for (let i = 0; i < n; i++) rollup.add(series, START + i * HOUR + d, ++id);
      }
    }
  }
  // Never read here: records are only asked for the parts of hours a range cuts.
  const base = {} as StatsSource;
  return { registry, rollup, values: new ValueRollups(registry, rollup, base) };
}

const totalsOf = async (source: StatsSource, selection: SeriesSelection) => {
  const seen: Record<string, [number, number]> = {};
  await source.totals(selection, true, (value, count, latest) => {
    const labels = source.labels(value) ?? [];
    const key = LABEL_FIELDS.map((field, i) => (labels[i] ? `${field}=${labels[i]}` : '')).filter(Boolean);
    seen[key.join('&')] = [count, latest];
  });
  return seen;
};

describe('roll-ups per value and per combined value', () => {
  it('keeps a roll-up of combined values for fields with few values, and none where they would be too many', async () => {
    const { values } = farm();
    // 2 platforms × 2 outcomes: four combined values, of 300 label sets each.
    const view = values.view(['status', 'platform'], { platform: 'p1' });
    assert.ok(view, 'platform and status have few values');
    const last = START + 2 * HOUR + 299;
    assert.deepEqual(await totalsOf(view.source, view.selection), {
      'platform=p1&status=success': [900, last],
      'platform=p1&status=failed': [900, last],
    });
    const all = values.view(['platform', 'status'], {});
    assert.equal(all?.selection.all, true);
    assert.deepEqual(
      values.view(['platform', 'status'], { platform: 'p9' })?.selection,
      { all: false, ids: [] },
      'a value never seen selects nothing',
    );
    // 300 serials × 2 outcomes is more than COMBINED_VALUES_MAX: the label sets answer instead.
    assert.ok(300 * 2 > COMBINED_VALUES_MAX);
    assert.equal(values.view(['serial', 'status'], { status: 'failed' }), undefined);
    // One field always has its roll-up, however many values it holds.
    const serials = values.view(['serial'], { serial: 'dev7' });
    assert.ok(serials);
    assert.deepEqual(await totalsOf(serials.source, serials.selection), {
      'serial=dev7': [12, START + 2 * HOUR + 7],
    });
  });

  it('follows records added to and removed from combined values after it is built', async () => {
    const { registry, rollup, values } = farm(3, 2);
    const view = values.view(['platform', 'status'], { status: 'failed' });
    assert.ok(view);
    // A new label set of a known combined value, and a new platform.
    const known = registry.bound;
    registry.add(known, labelsOf(aRecord({ serial: 'new', platform: 'p1', status: 'failed' })));
    const fresh = known + 1;
    registry.add(fresh, labelsOf(aRecord({ serial: 'new', platform: 'p3', status: 'failed' })));
    for (const [series, timestamp] of [
      [known, START + 5 * HOUR],
      [fresh, START + 6 * HOUR],
    ] as const) {
      rollup.add(series, timestamp, 1_000 + series);
      values.add(series, timestamp);
    }
    const failed = values.view(['platform', 'status'], { status: 'failed' });
    assert.ok(failed);
    assert.deepEqual(await totalsOf(failed.source, failed.selection), {
      'platform=p1&status=failed': [7, START + 5 * HOUR],
      'platform=p2&status=failed': [6, START + HOUR + 2],
      'platform=p3&status=failed': [1, START + 6 * HOUR],
    });
    rollup.remove(known, START + 5 * HOUR);
    values.remove(known, START + 5 * HOUR);
    const after = values.view(['platform', 'status'], { platform: 'p1', status: 'failed' });
    assert.ok(after);
    assert.deepEqual(await totalsOf(after.source, after.selection), {
      'platform=p1&status=failed': [6, START + HOUR + 2],
    });
  });
});
