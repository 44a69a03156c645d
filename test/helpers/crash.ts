import Database from 'better-sqlite3';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { startCli } from './cli.js';
import { postJson } from './server.js';

export interface CrashRound {
  acknowledged: number;
  lost: number;
  duplicated: number;
  integrity: string;
  /** Whether the restarted server's counts and statistics agree with the records it lists. */
  countsExact: boolean;
}

/** Writes one at a time (POST) or in batches of BATCH_SIZE (POST /batch). */
export type CrashMode = 'single' | 'batch';
const BATCH_SIZE = 40;

/**
 * One round of the crash experiment: concurrent writers against a real server, SIGKILL
 * at a random moment, restart, and check that every write answered with success is
 * there (same id, same content), once. For SQLite also PRAGMA integrity_check.
 */
export async function crashRound(
  serveArgs: string[],
  options: { writers?: number; maxDelayMs?: number; sqliteFile?: string; round: number; mode?: CrashMode },
): Promise<CrashRound> {
  const server = await startCli([...serveArgs, '--log-level', 'warn']);
  const acknowledged = new Map<string, number>();
  let stop = false;
  const record = (w: number, tag: string) => ({
    platform: 'crash',
    serial: `w${w}`,
    action_type: 'add',
    action_detail: tag,
  });
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      try {
        if (options.mode === 'batch') {
          const tags = Array.from({ length: BATCH_SIZE }, (_, k) => `r${options.round}-w${w}-${i}-${k}`);
          const answer = await postJson(
            `${server.api}/batch`,
            tags.map((tag) => record(w, tag)),
          );
          // An answered batch: every item it reports stored must survive.
          if (answer.body?.code === 0) {
            tags.forEach((tag, k) => {
              const result = answer.body.data.results[k];
              if (result?.id) acknowledged.set(tag, result.id);
            });
          }
        } else {
          const tag = `r${options.round}-w${w}-${i}`;
          const answer = await postJson(server.api, record(w, tag));
          if (answer.body?.code === 0) acknowledged.set(tag, answer.body.data.id);
        }
      } catch {
        return; // the server is gone: this write was never acknowledged
      }
    }
  };
  const writers = Array.from({ length: options.writers ?? 16 }, (_, w) => writer(w));
  await new Promise((resolve) => setTimeout(resolve, 20 + Math.random() * (options.maxDelayMs ?? 300)));
  server.child.kill('SIGKILL');
  await server.stop();
  stop = true;
  await Promise.all(writers);

  let integrity = 'not checked';
  if (options.sqliteFile) {
    const db = new Database(options.sqliteFile, { readonly: true });
    integrity = String(db.pragma('integrity_check', { simple: true }));
    db.close();
  }

  const again = await startCli([...serveArgs, '--log-level', 'warn']);
  try {
    const stored = new Map<string, number[]>();
    let cursor = '';
    for (;;) {
      const page = (await fetch(`${again.api}?platform=crash&limit=1000${cursor}`).then((r) => r.json())) as {
        data: { id: number; action_detail: string }[];
      };
      const records = page.data;
      if (records.length === 0) break;
      for (const r of records) stored.set(r.action_detail, [...(stored.get(r.action_detail) ?? []), r.id]);
      cursor = `&before_id=${records[records.length - 1]?.id}`;
    }
    let lost = 0;
    for (const [tag, id] of acknowledged) if (!stored.get(tag)?.includes(id)) lost++;
    const duplicated = [...stored.values()].filter((ids) => ids.length > 1).length;
    const listed = [...stored.values()].reduce((sum, ids) => sum + ids.length, 0);
    return {
      acknowledged: acknowledged.size,
      lost,
      duplicated,
      integrity,
      countsExact: await countsAgree(again.api, listed),
    };
  } finally {
    await again.stop();
  }
}

/** The count, a statistic and a filtered count agree with `listed`, the records a server lists. */
export async function countsAgree(api: string, listed: number): Promise<boolean> {
  const get = async (path: string) =>
    ((await fetch(`${api}${path}`).then((r) => r.json())) as { data: Record<string, unknown> }).data;
  const count = (await get('/count?platform=crash')).count;
  const stats = (await get('/stats?platform=crash&group_by=serial')) as { total: number; groups: { count: number }[] };
  const grouped = stats.groups.reduce((sum, g) => sum + g.count, 0);
  return count === listed && stats.total === listed && grouped === listed;
}

const DAY = 86_400;
/** Records that retention removes and keeps in a prune round's file. */
export const PRUNE_OLD = 20_000;
export const PRUNE_KEPT = 2_000;

/** A SQLite file with PRUNE_OLD records a year old and PRUNE_KEPT of today, for pruneCrashRound. */
export async function preparePruneFile(file: string): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const store = SqliteStore.open(file);
  const record = (i: number, old: boolean) => ({
    platform: 'crash',
    serial: `s${i % 7}`,
    action_type: old ? 'old' : 'keep',
    action_detail: `record ${i}`,
    username: '',
    timestamp: old ? now - 365 * DAY + i : now - 60 + (i % 60),
  });
  store.importBatch(Array.from({ length: PRUNE_OLD }, (_, i) => record(i, true)));
  store.importBatch(Array.from({ length: PRUNE_KEPT }, (_, i) => record(i, false)));
  store.catchUp();
  await store.close();
}

export interface PruneCrashRound {
  /** Records that should have stayed and are gone. */
  keptLost: number;
  /** Old records still there (the next start prunes them). */
  oldLeft: number;
  /** Count, statistics and a listed page agree. */
  countsExact: boolean;
}

/**
 * One round of the mid-prune crash experiment: a server started with --retain-days 30 on the
 * file (it prunes at start) is killed after a random moment; a restart without retention must
 * still have every record of today, and counts that agree with what it lists.
 */
export async function pruneCrashRound(file: string, maxDelayMs = 400): Promise<PruneCrashRound> {
  const server = await startCli(['--port', '0', '--db', file, '--log-level', 'warn', '--retain-days', '30']);
  await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * maxDelayMs));
  server.child.kill('SIGKILL');
  await server.stop();
  const again = await startCli(['--port', '0', '--db', file, '--log-level', 'warn']);
  try {
    const json = async (path: string) => (await (await fetch(`${again.api}${path}`)).json()) as { data: never };
    const count = async (query: string) => ((await json(`/count${query}`)).data as { count: number }).count;
    const kept = await count('?action_type=keep');
    const oldLeft = await count('?action_type=old');
    const listed = ((await json('?action_type=old&limit=1000')).data as unknown[]).length;
    return {
      keptLost: PRUNE_KEPT - kept,
      oldLeft,
      countsExact: listed === Math.min(oldLeft, 1000) && (await countsAgree(again.api, kept + oldLeft)),
    };
  } finally {
    await again.stop();
  }
}
