/**
 * A small, realistic farm for browser tests and screenshots: devices with accounts on a few
 * platforms doing the usual actions, mostly successful, some failing, one device gone quiet,
 * spread over the last days up to now. Posted through the real API, a few requests at a time.
 */

export interface FarmRecord {
  platform: string;
  serial: string;
  action_type: string;
  action_detail: string;
  username: string;
  timestamp: number;
  status?: 'success' | 'failed' | 'skipped';
  error?: string;
  task_id?: string;
  duration_ms?: number;
  metadata?: Record<string, unknown>;
}

const PLATFORMS = ['tiktok', 'instagram', 'youtube'] as const;
const ACTIONS = ['like', 'view', 'follow', 'comment', 'post', 'share', 'message', 'login', 'unfollow'] as const;
const ERRORS = [
  'Network timeout after 30 s',
  'Element not found: follow button',
  'HTTP 429: rate limited by the platform',
  'Captcha challenge shown, captcha not solved',
];

/** A seeded generator (mulberry32), so a farm is the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface FarmOptions {
  /** The newest possible timestamp (seconds); records spread evenly back from it over `days`. */
  now: number;
  records: number;
  days: number;
  devices?: number;
  seed?: number;
}

/** The records of a farm, oldest first. The last device has been quiet for the last six hours. */
export function farmRecords(options: FarmOptions): FarmRecord[] {
  const random = prng(options.seed ?? 7);
  const devices = options.devices ?? 12;
  const serials = Array.from({ length: devices }, (_, i) =>
    i % 4 === 3 ? `emulator-${5554 + 2 * i}` : `R58M${(4_210_000 + i * 7919).toString(36).toUpperCase()}`,
  );
  const accounts = serials.flatMap((serial, d) =>
    [0, 1].map((slot) => ({
      serial,
      username: `${['growth', 'daily', 'shop', 'fan', 'promo', 'clips'][(d * 2 + slot) % 6]}_${(d * 2 + slot + 10).toString(36)}${slot ? 'b' : 'a'}`,
      platform: PLATFORMS[(d + slot) % PLATFORMS.length] as string,
    })),
  );
  const span = options.days * 86_400;
  const records: FarmRecord[] = [];
  for (let n = 0; n < options.records; n++) {
    // Spread over the span, busier in the (UTC) day than at night, as farms run on schedules.
    let age = Math.floor(span * random());
    if (random() < 0.35 && Math.floor(((options.now - age) % 86_400) / 3600) < 6) age = Math.floor(span * random());
    // Busiest accounts first (a skew like a real farm's).
    const account = accounts[Math.floor(random() ** 1.6 * accounts.length)] as (typeof accounts)[number];
    const quiet = account.serial === serials[serials.length - 1] && age < 6 * 3600;
    const timestamp = options.now - (quiet ? age + 6 * 3600 : age);
    const action = ACTIONS[Math.floor(random() ** 1.4 * ACTIONS.length)] as string;
    const outcome = random();
    const record: FarmRecord = {
      platform: account.platform,
      serial: account.serial,
      action_type: action,
      action_detail: detail(action, n),
      username: account.username,
      timestamp,
    };
    // One device in four runs an old script that sends only the original fields.
    if (serials.indexOf(account.serial) % 4 !== 1) {
      record.status = outcome < 0.06 ? 'failed' : outcome < 0.09 ? 'skipped' : 'success';
      if (record.status === 'failed') record.error = ERRORS[n % ERRORS.length] as string;
      record.task_id = `campaign-${1 + (Math.floor(timestamp / 86_400) % 3)}`;
      record.duration_ms = Math.floor(300 + 6000 * random());
      if (random() < 0.3)
        record.metadata = { video_id: String(7_300_000_000 + n), app_version: '34.1.2', retries: n % 3 };
    }
    records.push(record);
  }
  return records.sort((a, b) => a.timestamp - b.timestamp);
}

function detail(action: string, n: number): string {
  switch (action) {
    case 'like':
      return `Liked video ${7_300_000_000 + n}`;
    case 'view':
      return `Watched video for ${5 + (n % 55)} seconds`;
    case 'follow':
      return `Followed @creator_${n % 997}`;
    case 'comment':
      return `Commented "Love this" on video ${n}`;
    case 'post':
      return 'Published video successfully';
    case 'share':
      return `Shared video ${n} to story`;
    case 'message':
      return `Sent direct message to @friend${n % 211}`;
    case 'login':
      return 'Logged in';
    default:
      return `Unfollowed @creator_${n % 797}`;
  }
}

/** Records per batch request (the API takes up to 10,000). */
const BATCH = 1000;

/**
 * Posts records through the API's batch endpoint (`POST /api/v1/activity_log/batch`), in order;
 * returns their ids.
 */
export async function postRecords(
  api: string,
  records: readonly object[],
  headers: Record<string, string> = {},
): Promise<number[]> {
  const ids: number[] = [];
  for (let at = 0; at < records.length; at += BATCH) {
    const response = await fetch(`${api}/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(records.slice(at, at + BATCH)),
    });
    const body = (await response.json()) as {
      code: number;
      message: string;
      data: { failed: number; results: { id?: number; message?: string }[] };
    };
    if (body.code !== 0 || body.data.failed > 0) {
      throw new Error(`batch failed: ${body.message} ${JSON.stringify(body.data?.results.find((r) => r.message))}`);
    }
    for (const result of body.data.results) ids.push(result.id as number);
  }
  return ids;
}
