/**
 * Every size the API accepts, stated once. The contract (docs/api.md) fixes the
 * first five; the rest exist so that no input can make the server do unbounded work.
 */

/** Short fields are what people filter and group by; 255 keeps every index entry small. */
export const MAX_SHORT_FIELD_CHARS = 255;
/** `action_detail` is free text (an error message, a caption) but never a file. */
export const MAX_DETAIL_CHARS = 64 * 1024;
/** A page without `limit` holds this many records, as in TikMatrix. */
export const DEFAULT_PAGE_LIMIT = 100;
/** Larger `limit` values are clamped, not refused, as in TikMatrix. */
export const MAX_PAGE_LIMIT = 1000;
/** Default request body limit: a single record is at most ~66 KiB, so 1 MiB leaves room for batches. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;
/**
 * Ids, offsets and timestamps are JSON numbers, which JavaScript clients read as doubles:
 * anything above 2^53-1 would come back changed, so nothing above it is accepted or issued.
 */
export const MAX_SAFE_INTEGER = Number.MAX_SAFE_INTEGER;
