import type { Database, Statement } from 'better-sqlite3';
import { MIN_TRIGRAM_CHARS } from '../plan.js';

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

const SURROGATE = /[\uD800-\uDFFF]/;

/** The distinct trigrams of a needle, as the FTS5 trigram tokenizer cuts it (by characters). */
export function trigramsOf(q: string): string[] {
  return [...collect(q, new Set())];
}

/** Adds the trigrams of `text` to `into`. */
function collect(text: string, into: Set<string>): Set<string> {
  if (!SURROGATE.test(text)) {
    // One UTF-16 unit per character: slices are characters.
    for (let i = 0; i + MIN_TRIGRAM_CHARS <= text.length; i++) into.add(text.slice(i, i + MIN_TRIGRAM_CHARS));
    return into;
  }
  const chars = [...text];
  for (let i = 0; i + MIN_TRIGRAM_CHARS <= chars.length; i++) into.add(chars.slice(i, i + MIN_TRIGRAM_CHARS).join(''));
  return into;
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
    if (this.sampledAt === undefined || newest - this.sampledAt >= RESAMPLE_AFTER) this.take(newest);
    let kept = grams;
    let share = 1;
    if (this.sampled > 0 && grams.length > 0) {
      const shareOf = (gram: string) => {
        let bucket = 0;
        eachTrigram(gram, (b) => {
          bucket = b;
        });
        return Math.max(this.counts[bucket] as number, 0.5) / this.sampled;
      };
      const rarest = grams.reduce((best, gram) => (shareOf(gram) < shareOf(best) ? gram : best));
      // A rare enough trigram alone leaves few candidates; each further doclist costs more than
      // the few it would save (10M records: "cap" alone 0.2 ms, the four rare ones of "captcha" 0.45 ms).
      kept =
        shareOf(rarest) <= ALONE_SHARE
          ? [rarest]
          : grams.filter((gram) => gram === rarest || shareOf(gram) <= COMMON_SHARE);
      share = shareOf(rarest);
    }
    return { match: kept.map((gram) => `"${gram.replaceAll('"', '""')}"`).join(' AND '), share };
  }

  private take(newest: number): void {
    this.counts.fill(0);
    this.seenIn.fill(-1);
    let sampled = 0;
    const count = (bucket: number) => {
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

/** Visits the hash bucket of each trigram of `text` (by characters, ASCII letters folded). */
function eachTrigram(text: string, visit: (bucket: number) => void): void {
  let a = -1;
  let b = -1;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i) as number;
    if (code > 0xffff) i++;
    const c = fold(code);
    if (a >= 0) visit((Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca77) ^ Math.imul(c, 0xc2b2ae3d)) >>> 16);
    a = b;
    b = c;
  }
}
