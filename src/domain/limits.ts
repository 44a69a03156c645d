/**
 * Every request-level size the API accepts, stated once (field limits live in the field
 * registry, src/domain/fields.ts). The contract and extensions fix the defaults; the rest
 * exist so that no input can make the server do unbounded work.
 */

/** A page without `limit` holds this many records, as in TikMatrix. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Larger `limit` values are clamped, not refused, as in TikMatrix. */
export const MAX_PAGE_LIMIT = 1000;
/** Default request body limit: a single record is at most ~66 KiB, so 1 MiB leaves room. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Ids, offsets and timestamps are JSON numbers, which JavaScript clients read as doubles:
 * anything above 2^53-1 would come back changed, so nothing above it is accepted or issued.
 */
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
/** `q` is a needle, not a document (extensions §2). */
export const MAX_QUERY_CHARS = 200;
/** Statistics groups returned without `limit`, and the most a request may ask for (extensions §4). */
export const DEFAULT_STATS_LIMIT = 1000;
export const MAX_STATS_LIMIT = 10_000;
/** Statistics group by at most this many keys (extensions §4). */
export const MAX_GROUP_KEYS = 2;
/** Live-tail streams open at once per server (extensions §6); more get 429. */
export const DEFAULT_MAX_STREAMS = 100;
