import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ageOf,
  expired,
  oldestKept,
  parseRetentionDays,
  parseRetentionRule,
  type Retention,
} from '../../src/domain/retention.js';
import { aRecord } from '../helpers/records.js';

const DAY = 86_400;
const NOW = 1_800_000_000;

describe('retention rules (extensions §8)', () => {
  it('reads FIELD=VALUE:DAYS and refuses anything else, naming what is wrong', () => {
    assert.deepEqual(parseRetentionRule('action_type=view:7'), { field: 'action_type', value: 'view', days: 7 });
    assert.deepEqual(parseRetentionRule('task_id=a:b=c:30'), { field: 'task_id', value: 'a:b=c', days: 30 });
    assert.throws(() => parseRetentionRule('view:7'), /must read FIELD=VALUE:DAYS/);
    assert.throws(() => parseRetentionRule('colour=red:7'), /colour is not one of platform, serial/);
    assert.throws(() => parseRetentionRule('status=done:7'), /status must be one of success, failed, skipped/);
    assert.throws(() => parseRetentionRule('serial=x:0'), /from 1 to 100000/);
    assert.throws(() => parseRetentionDays('7.5'), /--retain-days must be a whole number/);
    assert.equal(parseRetentionDays('30'), 30);
  });

  it('gives a record the longest age of the rules it matches, else the default', () => {
    const retention: Retention = {
      days: 30,
      rules: [
        { field: 'action_type', value: 'view', days: 7 },
        { field: 'status', value: 'failed', days: 365 },
      ],
    };
    assert.equal(ageOf(retention, aRecord({ action_type: 'view' })), 7);
    assert.equal(ageOf(retention, aRecord({ action_type: 'view', status: 'failed' })), 365);
    assert.equal(ageOf(retention, aRecord()), 30);
    assert.equal(ageOf({ rules: retention.rules }, aRecord()), undefined, 'without --retain-days, kept forever');
    assert.equal(oldestKept(retention, NOW), NOW - 7 * DAY);
  });

  it('expires a record strictly older than its age', () => {
    const retention: Retention = { days: 1, rules: [] };
    assert.equal(expired(retention, aRecord({ timestamp: NOW - DAY }), NOW), false);
    assert.equal(expired(retention, aRecord({ timestamp: NOW - DAY - 1 }), NOW), true);
    assert.equal(expired({ rules: [] }, aRecord({ timestamp: 0 }), NOW), false);
  });
});
