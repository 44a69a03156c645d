/**
 * The synthetic activity log the benchmarks load, shaped like a real farm: 500 phones, each
 * with three accounts (1,500 in all, each on one platform), every account using five of the
 * ten action types, about 20,000 distinct label sets (platform, serial, action_type,
 * username, status) at 10M records, 2 % failures, and timestamps spread over 90 days. Most
 * fields are drawn from Zipf-like distributions, so a few values are very common and many
 * rare. Deterministic for a given seed and size: a data set of N records spans the same 90
 * days as one of 10N, ten times less densely, so the two can be compared query for query.
 */

/** Bump when the generated records change, so cached data sets are regenerated. */
export const GENERATOR_VERSION = 2;

export interface BenchRecord {
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
  event_id?: string;
}

/** mulberry32: small, fast and good enough for synthetic data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Draws indexes 0..n-1 with probability proportional to 1/(i+1)^s. */
export function zipf(n: number, s: number): (u: number) => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    total += 1 / (i + 1) ** s;
    cdf[i] = total;
  }
  for (let i = 0; i < n; i++) cdf[i] = (cdf[i] as number) / total;
  return (u: number) => {
    let lo = 0;
    let hi = n - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((cdf[mid] as number) < u) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
}

export const PLATFORMS = ['tiktok', 'instagram', 'youtube', 'facebook', 'twitter'] as const;
export const ACTION_TYPES = [
  'like',
  'view',
  'follow',
  'comment',
  'post',
  'share',
  'message',
  'unfollow',
  'login',
  'live',
] as const;
export const DEVICES = 500;
export const ACCOUNTS_PER_DEVICE = 3;
const ACTIONS_PER_ACCOUNT = 5;
/** The last generated timestamp: 2026-11-27 00:00 UTC. */
export const DATA_END = 1_795_737_600;
export const DATA_DAYS = 90;
/** Devices running an old script that sends no status (their records carry only the original fields). */
const OLD_SCRIPT_SHARE = 0.1;
const FAILED_SHARE = 0.02;
const SKIPPED_SHARE = 0.025;
/** A word that appears in about one record in 10,000 (in an error), for text-search benchmarks. */
export const RARE_WORD = 'captcha';

const ERRORS = [
  'Network timeout after 30 s',
  'Element not found: follow button',
  'HTTP 429: rate limited by the platform',
  'Account logged out, login required',
  'App crashed, restarted',
  'Action blocked: try again later',
];

interface Account {
  serial: string;
  username: string;
  platform: string;
  actions: string[];
}

/** A fixed farm, independent of the data seed: devices, their accounts and what each account does. */
const farm = (() => {
  const random = prng(20240212);
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const pick = (k: number) => Array.from({ length: k }, () => alnum[Math.floor(random() * alnum.length)]).join('');
  const platform = zipf(PLATFORMS.length, 1.0);
  const action = zipf(ACTION_TYPES.length, 1.0);
  const serials = Array.from({ length: DEVICES }, (_, i) =>
    i % 7 === 6 ? `emulator-${5554 + 2 * i}` : `R5${pick(9)}`,
  );
  const oldScript = serials.map(() => random() < OLD_SCRIPT_SHARE);
  const accounts: Account[] = [];
  for (const serial of serials) {
    for (let slot = 0; slot < ACCOUNTS_PER_DEVICE; slot++) {
      const actions = new Set<string>();
      while (actions.size < ACTIONS_PER_ACCOUNT) actions.add(ACTION_TYPES[action(random())] as string);
      accounts.push({
        serial,
        username: `${['growth', 'daily', 'shop', 'fan', 'promo'][accounts.length % 5]}_${pick(6).toLowerCase()}`,
        platform: PLATFORMS[platform(random())] as string,
        actions: [...actions],
      });
    }
  }
  return { serials, oldScript, accounts };
})();
export const SERIALS: readonly string[] = farm.serials;
export const USERNAMES: readonly string[] = farm.accounts.map((a) => a.username);

const DETAILS: Record<string, (n: number, user: string) => string> = {
  like: (n) => `Liked video ${7_300_000_000_000_000_000n + BigInt(n)}`,
  view: (n) => `Watched video for ${5 + (n % 55)} seconds`,
  follow: (n) => `Followed @creator_${n % 9973}`,
  comment: (n) =>
    `Commented "${['Nice!', 'Love this', 'So true', 'Wow 🔥', 'Great content, keep going'][n % 5]}" on video ${n}`,
  post: (n) => `Published video successfully (${10 + (n % 50)} s, ${n % 3 === 0 ? 'with' : 'without'} music)`,
  share: (n) => `Shared video ${n} to story`,
  message: (n, user) => `Sent direct message to @${user}_friend${n % 211}`,
  unfollow: (n) => `Unfollowed @creator_${n % 7919}`,
  login: (_n, user) => `Logged in as ${user}`,
  live: (n) => `Joined live room ${n % 100_003}`,
};

const hex = (value: number, digits: number) => Math.floor(value).toString(16).padStart(digits, '0');

/** A UUIDv7 (time-ordered, as a client library would make) from a time and random draws. */
function uuidv7(ms: number, random: () => number): string {
  const time = hex(ms, 12);
  const r = () => hex(random() * 0x10000, 4);
  const variant = hex(0x8000 | (random() * 0x4000), 4);
  return `${time.slice(0, 8)}-${time.slice(8)}-7${r().slice(1)}-${variant}-${r()}${r()}${r()}`;
}

/**
 * An endless, seeded stream of records whose timestamps rise from DATA_END - 90 days so that
 * `spanRecords` of them reach DATA_END (with up to a minute of jitter, as devices report late).
 */
export function recordStream(seed: number, spanRecords = 1_000_000): () => BenchRecord {
  const random = prng(seed);
  const device = zipf(DEVICES, 0.9);
  const step = (DATA_DAYS * 86_400) / spanRecords;
  const start = DATA_END - DATA_DAYS * 86_400;
  let n = 0;
  return () => {
    const d = device(random());
    const u = random();
    const account = farm.accounts[d * ACCOUNTS_PER_DEVICE + (u < 0.6 ? 0 : u < 0.9 ? 1 : 2)] as Account;
    const action_type = account.actions[Math.floor(random() ** 1.5 * account.actions.length)] as string;
    const draw = Math.floor(random() * 1e9);
    const timestamp = Math.floor(start + n * step - random() * 60);
    n++;
    const record: BenchRecord = {
      platform: account.platform,
      serial: account.serial,
      action_type,
      action_detail: (DETAILS[action_type] as (n: number, user: string) => string)(draw + n, account.username),
      username: account.username,
      timestamp,
    };
    if (farm.oldScript[d]) return record; // the original seven fields only
    const outcome = random();
    record.status = outcome < FAILED_SHARE ? 'failed' : outcome < FAILED_SHARE + SKIPPED_SHARE ? 'skipped' : 'success';
    if (record.status === 'failed') {
      // One failure in 150 is a captcha: about one record in 8,000 holds RARE_WORD.
      record.error =
        draw % 150 === 0 ? `Captcha challenge shown, ${RARE_WORD} not solved` : ERRORS[draw % ERRORS.length];
    }
    const day = Math.floor(timestamp / 86_400);
    if (random() < 0.9) record.task_id = `T${day}-${d}-${draw % 3}`;
    if (random() < 0.8) record.duration_ms = Math.floor(200 + 8_000 * -Math.log(1 - random()));
    if (random() < 0.25) record.metadata = { video_id: String(7_300_000_000 + (draw % 1e8)), app_version: '34.1.2' };
    if (random() < 0.5) record.event_id = uuidv7(timestamp * 1000 + (draw % 1000), random);
    return record;
  };
}
