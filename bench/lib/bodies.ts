import { type BenchRecord, recordStream } from './dataset.js';
import type { Bench } from './goal.js';

/**
 * Generated records as request bodies, as a farm sends them: without a timestamp (the server
 * stamps the time it receives them; a script posting as it acts sends about that time too), and
 * those with an event_id get a fresh one per request. The data set's own timestamps lie up to 90
 * days back, which would make every write land in a random place of every time-ordered structure.
 */
export function recordBodies(bench: Bench, count: number, seedOffset: number): Omit<BenchRecord, 'timestamp'>[] {
  const next = recordStream(bench.seed + seedOffset);
  return Array.from({ length: count }, () => {
    const { timestamp: _, ...record } = next();
    if (record.event_id) record.event_id = '__EVENT_ID__';
    return record;
  });
}
