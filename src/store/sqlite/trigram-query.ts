import type { Database, Statement } from 'better-sqlite3';

/** Newest records whose text the estimate is made from. */
export const SAMPLE_RECORDS = 2_048;
/** Characters of each text field sampled, so that long texts do not make sampling slow. */
const SAMPLE_CHARS = 256;
/** The estimate is made again once this many records were written after it. */
export const RESAMPLE_AFTER = 100_000;
/** A trigram in more than this share of the sample is common: left out of a query when a rarer one is in it. */
export const COMMON_SHARE = 0.01;
/** A trigram in at most this share of the sample is asked for alone. */
export const ALONE_SHARE = 0.001;

/** The distinct trigrams of a needle, as the FTS5 trigram tokenizer cuts it (by characters). */
function trigramsOf(q: string): string[] {
  const grams = new Set<string>();
  eachTrigram(q, (_a, _b, _c, from, to) => grams.add(q.slice(from, to)));
  return [...grams];
}

/**
 * The MATCH expression of a needle for the text index (docs/decisions.md, "Text search keeps
 * the rare trigrams"). FTS5 with detail=none has no positions, so any AND of the needle's
 * trigrams is a superset of the matches, which the candidate check narrows exactly. FTS5 pays
 * for an AND with the doclist of its most common term, even when a rarer one leaves few
 * candidates, so the expression keeps only the needle's rare trigrams: those in at most
 * COMMON_SHARE of a sample of the newest records' text, or the rarest one alone when it is in
 * at most ALONE_SHARE of it or when all are common.
 * The estimate only chooses; a wrong one costs time, never a match.
 */
export class TrigramQuery {
  private readonly sample: Statement;
  /**
   * Per hash bucket of a folded trigram: in how many sampled records it occurs. Trigrams that
   * share a bucket add up, which can only make a trigram look more common than it is.
   */
  private readonly counts = new Int32Array(BUCKETS);
  /** Per bucket, the last sampled record counted in it: a trigram counts once per record. */
  private readonly seenIn = new Int32Array(BUCKETS);
  private sampled = 0;
  /** The newest id when the sample was taken; undefined before the first. */
  private sampledAt: number | undefined;

  constructor(db: Database) {
    this.sample = db
      .prepare(
        `SELECT substr(action_detail, 1, ${SAMPLE_CHARS}), substr(error, 1, ${SAMPLE_CHARS})
           FROM activity_log ORDER BY id DESC LIMIT ?`,
      )
      .raw();
  }

  /**
   * The expression for `q`, and the share of records it is estimated to yield as candidates
   * (its rarest trigram's share of the sample; a trigram the sample lacks counts as half a
   * record of it). `newest` is the newest id now, which decides whether to sample again.
   */
  plan(q: string, newest: number): { match: string; share: number } {
    const grams = trigramsOf(q);
    if (grams.length === 0) return { match: '', share: 1 };
    if (this.sampledAt === undefined || newest - this.sampledAt >= RESAMPLE_AFTER) this.take(newest);
    let kept = grams;
    let share = 1;
    if (this.sampled > 0) {
      const shares = new Map(
        grams.map((gram) => {
          let bucket = 0;
          eachTrigram(gram, (a, b, c) => {
            bucket = bucketOf(a, b, c);
          });
          return [gram, Math.max(this.counts[bucket] as number, 0.5) / this.sampled] as const;
        }),
      );
      const shareOf = (gram: string) => shares.get(gram) as number;
      const rarest = grams.reduce((best, gram) => (shareOf(gram) < shareOf(best) ? gram : best));
      share = shareOf(rarest);
      // A rare enough trigram alone leaves few candidates; each further doclist costs more than
      // the few it would save (10M records: "cap" alone 0.2 ms, the four rare ones of "captcha" 0.45 ms).
      kept = share <= ALONE_SHARE ? [rarest] : grams.filter((gram) => gram === rarest || shareOf(gram) <= COMMON_SHARE);
    }
    return { match: kept.map((gram) => `"${gram.replaceAll('"', '""')}"`).join(' AND '), share };
  }

  private take(newest: number): void {
    this.counts.fill(0);
    this.seenIn.fill(-1);
    let sampled = 0;
    const count = (a: number, b: number, c: number) => {
      const bucket = bucketOf(a, b, c);
      if (this.seenIn[bucket] === sampled) return;
      this.seenIn[bucket] = sampled;
      this.counts[bucket] = (this.counts[bucket] as number) + 1;
    };
    for (const [detail, error] of this.sample.all(SAMPLE_RECORDS) as [string, string | null][]) {
      eachTrigram(detail, count);
      if (error) eachTrigram(error, count);
      sampled++;
    }
    this.sampled = sampled;
    this.sampledAt = newest;
  }
}

const BUCKETS = 1 << 16;
const fold = (code: number) => (code >= 65 && code <= 90 ? code + 32 : code);
/** The hash bucket of a trigram's characters, ASCII letters folded. */
const bucketOf = (a: number, b: number, c: number) =>
  (Math.imul(fold(a), 0x9e3779b1) ^ Math.imul(fold(b), 0x85ebca77) ^ Math.imul(fold(c), 0xc2b2ae3d)) >>> 16;

/**
 * Visits each trigram of `text` by characters (code points, as the FTS5 trigram tokenizer cuts
 * it): its three characters, and where it starts and ends in `text`.
 */
function eachTrigram(text: string, visit: (a: number, b: number, c: number, from: number, to: number) => void): void {
  let a = -1;
  let b = -1;
  let aAt = 0;
  let bAt = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.codePointAt(i) as number;
    const cAt = i;
    i += c > 0xffff ? 2 : 1;
    if (a >= 0) visit(a, b, c, aAt, i);
    a = b;
    aAt = bAt;
    b = c;
    bAt = cAt;
  }
}
