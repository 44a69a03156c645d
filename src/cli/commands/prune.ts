import { RETENTION_OPTIONS, resolveRetention, resolveStoreConfig, STORE_OPTIONS } from '../../config.js';
import { nowInSeconds } from '../../domain/record.js';
import { prunes } from '../../domain/retention.js';
import type { PruneReport } from '../../jobs/retention.js';
import { type Command, EXIT } from '../command.js';
import { openConfiguredStore } from '../store.js';

export const pruneCommand: Command = {
  name: 'prune',
  group: 'store',
  summary: 'delete records past their retention now, or (--dry-run) say what would go',
  description: `Applies --retain-days and --retain-rule once, as actlog serve does at start and then
hourly: records older than their age are deleted in small steps, counts and statistics stay
exact. With --dry-run nothing is deleted; the report says how many records each rule would
remove. A dry run works beside a running server; pruning a SQLite file by hand needs the
server stopped (it prunes by itself when given the same options).`,
  options: [
    { title: 'Store options', options: STORE_OPTIONS },
    { title: 'Retention options', options: RETENTION_OPTIONS },
    {
      title: 'Prune options',
      options: {
        'dry-run': { env: '', default: '', kind: 'boolean', help: 'say what would be deleted; delete nothing' },
      },
    },
  ],
  async run({ flags, env }) {
    const config = resolveStoreConfig(flags as Record<string, string>, env);
    const retention = resolveRetention(flags as Record<string, string | string[]>, env);
    if (!prunes(retention)) {
      process.stderr.write('actlog prune: nothing to do: give --retain-days or --retain-rule (or their variables)\n');
      return EXIT.usage;
    }
    const dryRun = flags['dry-run'] === true;
    const { expiredReport, Pruner } = await import('../../jobs/retention.js');
    let report: PruneReport;
    if (dryRun && !config.databaseUrl) {
      const { SqliteRecordReader } = await import('../../store/sqlite/read-only.js');
      const reader = new SqliteRecordReader(config.db);
      try {
        report = await expiredReport(reader, retention, nowInSeconds());
      } finally {
        reader.close();
      }
    } else {
      const store = await openConfiguredStore(config);
      try {
        const pruner = new Pruner(store, retention);
        report = dryRun ? await pruner.dryRun() : await pruner.prune();
      } finally {
        await store.close();
      }
    }
    const verb = dryRun ? 'would delete' : 'deleted';
    const lines = Object.entries(report.byRule).map(([rule, n]) => `  ${String(n).padStart(12)}  by ${rule}`);
    process.stdout.write(`${verb} ${report.deleted} records\n${lines.join('\n')}${lines.length ? '\n' : ''}`);
    return EXIT.ok;
  },
};
