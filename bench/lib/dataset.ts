/**
 * The synthetic activity log the benchmarks load: a farm of 500 phones on 5 platforms,
 * 10 action types and 50 accounts, every field drawn from a Zipf-like distribution so a
 * few values are very common and many are rare, as in a real farm. Deterministic for a
 * given seed, and a data set of N records is a prefix of one of M > N with the same seed.
 */

/** Bump when the generated records change, so cached data sets are regenerated. */
export const GENERATOR_VERSION = 1;

export interface BenchRecord {
  platform: string;
  serial: string;
  action_type: string;
  action_detail: string;
  username: string;
  timestamp: number;
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

/** A fixed vocabulary, independent of the data seed. */
const vocabulary = (() => {
  const random = prng(20240212);
  const alnum = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';
  const pick = (k: number) => Array.from({ length: k }, () => alnum[Math.floor(random() * alnum.length)]).join('');
  const serials = Array.from({ length: 500 }, (_, i) => (i % 7 === 6 ? `emulator-${5554 + 2 * i}` : `R5${pick(9)}`));
  const usernames = Array.from(
    { length: 50 },
    (_, i) => `${['growth', 'daily', 'shop', 'fan', 'promo'][i % 5]}_${pick(5).toLowerCase()}`,
  );
  return { serials, usernames };
})();
export const SERIALS: readonly string[] = vocabulary.serials;
export const USERNAMES: readonly string[] = vocabulary.usernames;

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

/** An endless, seeded stream of records with increasing timestamps. */
export function recordStream(seed: number): () => BenchRecord {
  const random = prng(seed);
  const platform = zipf(PLATFORMS.length, 1.0);
  const serial = zipf(SERIALS.length, 0.9);
  const action = zipf(ACTION_TYPES.length, 1.0);
  const username = zipf(USERNAMES.length, 1.0);
  let timestamp = 1_706_745_600; // 2024-02-01
  let n = 0;
  return () => {
    n++;
    timestamp += Math.floor(random() * 3); // ~1 record a second: 10M records span ~4 months
    const action_type = ACTION_TYPES[action(random())] as string;
    const user = USERNAMES[username(random())] as string;
    return {
      platform: PLATFORMS[platform(random())] as string,
      serial: SERIALS[serial(random())] as string,
      action_type,
      action_detail: (DETAILS[action_type] as (n: number, user: string) => string)(
        Math.floor(random() * 1e9) + n,
        user,
      ),
      username: user,
      timestamp,
    };
  };
}
