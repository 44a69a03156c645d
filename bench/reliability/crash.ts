/**
 * The long crash experiment for docs/reliability.md: many rounds of concurrent writers,
 * SIGKILL at a random moment, restart, check. Usage (after npm run build):
 *   node dist/bench/reliability/crash.js [--rounds 200] [--store sqlite|postgres] [--mode single|batch]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crashRound } from '../../test/helpers/crash.js';
import { freshDatabase } from '../../test/helpers/postgres.js';
import { tempDir } from '../../test/helpers/temp.js';

const { values } = parseArgs({
  options: { rounds: { type: 'string' }, store: { type: 'string' }, mode: { type: 'string' } },
});
const rounds = Number(values.rounds ?? 200);
const store = values.store ?? 'sqlite';

const dir = tempDir();
const file = join(dir.path, 'crash.db');
const database = store === 'postgres' ? await freshDatabase() : undefined;
const args = database ? ['--port', '0', '--database-url', database.url] : ['--port', '0', '--db', file];
const mode = values.mode === 'batch' ? 'batch' : 'single';
const totals = { rounds: 0, acknowledged: 0, lost: 0, duplicated: 0, integrityFailures: 0, countMismatches: 0 };
const started = Date.now();
try {
  for (let round = 0; round < rounds; round++) {
    const result = await crashRound(args, { round, mode, ...(database ? {} : { sqliteFile: file }) });
    totals.rounds++;
    totals.acknowledged += result.acknowledged;
    totals.lost += result.lost;
    totals.duplicated += result.duplicated;
    if (!database && result.integrity !== 'ok') totals.integrityFailures++;
    if (!result.countsExact) totals.countMismatches++;
    if (round % 10 === 9) process.stderr.write(`${round + 1}/${rounds}: ${JSON.stringify(totals)}\n`);
  }
} finally {
  await database?.drop();
  dir.remove();
}
process.stdout.write(
  `${JSON.stringify({ store, mode, ...totals, seconds: Math.round((Date.now() - started) / 1000) })}\n`,
);
process.exitCode = totals.lost + totals.duplicated + totals.integrityFailures + totals.countMismatches === 0 ? 0 : 1;
