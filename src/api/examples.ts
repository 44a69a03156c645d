/**
 * Examples for the OpenAPI document: what "Try it out" on /docs pre-fills and what each answer
 * looks like. Real values a farm would send, valid against the schemas (redocly lint checks
 * them). The record to add has no `timestamp` (the server's time is used) and no `event_id`
 * (so trying it twice adds two records rather than a silent duplicate).
 */
export const EXAMPLE_INPUT = {
  platform: 'tiktok',
  serial: 'device_serial_123',
  action_type: 'post',
  action_detail: 'Published video successfully',
  username: 'user123',
  status: 'success',
  task_id: 'campaign-42',
  duration_ms: 5300,
};

export const EXAMPLE_RECORDS = [
  {
    id: 2,
    platform: 'tiktok',
    serial: 'device_serial_123',
    action_type: 'post',
    action_detail: 'Published video successfully',
    username: 'user123',
    timestamp: 1707725060,
    status: 'success',
    task_id: 'campaign-42',
    duration_ms: 5300,
  },
  {
    id: 1,
    platform: 'tiktok',
    serial: 'device_serial_123',
    action_type: 'follow',
    action_detail: '',
    username: 'user123',
    timestamp: 1707725000,
  },
];

export const EXAMPLE_BATCH = [
  EXAMPLE_INPUT,
  {
    platform: 'instagram',
    serial: 'device_serial_456',
    action_type: 'like',
    username: 'user456',
    status: 'failed',
    error: 'Network timeout after 30 s',
    event_id: '0190c6d2-5a3b-7c1e-9f00-2b1d4e6f8a90',
  },
];

export const EXAMPLE_NDJSON = `${EXAMPLE_BATCH.map((record) => JSON.stringify(record)).join('\n')}\n`;

export const EXAMPLE_BATCH_RESULT = {
  added: 2,
  duplicates: 1,
  failed: 1,
  results: [
    { id: 101 },
    { id: 41, duplicate: true },
    { code: 40001, message: 'item 2: platform is required' },
    { id: 102 },
  ],
};

export const EXAMPLE_STATS = {
  total: 3,
  truncated: false,
  groups: [
    { day: '2024-02-12', action_type: 'post', count: 2, last_timestamp: 1707725060 },
    { day: '2024-02-12', action_type: 'follow', count: 1, last_timestamp: 1707725000 },
  ],
};

export const EXAMPLE_ERROR = { code: 40001, message: 'platform is required', data: null };
