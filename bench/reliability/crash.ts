/**
 * The long crash experiment for docs/reliability.md: many rounds of concurrent writers,
 * SIGKILL at a random moment, restart, check. Usage (after npm run build):
 *   node dist/bench/reliability/crash.js [--rounds 200] [--store sqlite|postgres] [--mode single|batch|prune]
 * `prune` (SQLite): a server pruning 20,000 year-old records at start is killed mid-prune, again
 * and again, on one file refilled when pruning has finished.
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { crashRound, PRUNE_OLD, preparePruneFile, pruneCrashRound } from '../../test/helpers/crash.js';
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
const mode = values.mode ?? 'single';
if (!['single', 'batch', 'prune'].includes(mode) || (mode === 'prune' && database)) {
  throw new Error('--mode is single, batch or prune (prune on SQLite only)');
}
const totals = { rounds: 0, acknowledged: 0, lost: 0, duplicated: 0, integrityFailures: 0, countMismatches: 0 };
const started = Date.now();
if (mode === 'prune') await pruneRounds();
try {
  for (let round = 0; round < rounds; round++) {
    const result = await crashRound(args, {
      round,
      mode: mode as 'single' | 'batch',
      ...(database ? {} : { sqliteFile: file }),
    });
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
async function pruneRounds(): Promise<never> {
  const totals = { rounds: 0, refills: 0, keptLost: 0, countMismatches: 0, oldPrunedWhileKilled: 0 };
  try {
    let oldLeft = 0;
    for (let round = 0; round < rounds; round++) {
      if (oldLeft === 0) {
        dir.remove();
        await preparePruneFile(file);
        oldLeft = PRUNE_OLD;
        totals.refills++;
      }
      const result = await pruneCrashRound(file);
      totals.rounds++;
      totals.keptLost += result.keptLost;
      if (!result.countsExact) totals.countMismatches++;
      totals.oldPrunedWhileKilled += oldLeft - result.oldLeft;
      oldLeft = result.oldLeft;
      if (round % 10 === 9) process.stderr.write(`${round + 1}/${rounds}: ${JSON.stringify(totals)}\n`);
    }
  } finally {
    dir.remove();
  }
  process.stdout.write(
    `${JSON.stringify({ store, mode, ...totals, seconds: Math.round((Date.now() - started) / 1000) })}\n`,
  );
  process.exit(totals.keptLost + totals.countMismatches === 0 ? 0 : 1);
}

process.stdout.write(
  `${JSON.stringify({ store, mode, ...totals, seconds: Math.round((Date.now() - started) / 1000) })}\n`,
);
process.exitCode = totals.lost + totals.duplicated + totals.integrityFailures + totals.countMismatches === 0 ? 0 : 1;
