import Database from 'better-sqlite3';
import { startCli } from './cli.js';
import { postJson } from './server.js';

export interface CrashRound {
  acknowledged: number;
  lost: number;
  duplicated: number;
  integrity: string;
}

/**
 * One round of the crash experiment: concurrent writers against a real server, SIGKILL
 * at a random moment, restart, and check that every write answered with success is
 * there (same id, same content), once. For SQLite also PRAGMA integrity_check.
 */
export async function crashRound(
  serveArgs: string[],
  options: { writers?: number; maxDelayMs?: number; sqliteFile?: string; round: number },
): Promise<CrashRound> {
  const server = await startCli([...serveArgs, '--log-level', 'warn']);
  const acknowledged = new Map<string, number>();
  let stop = false;
  const writer = async (w: number) => {
    for (let i = 0; !stop; i++) {
      const tag = `r${options.round}-w${w}-${i}`;
      try {
        const answer = await postJson(server.api, {
          platform: 'crash',
          serial: `w${w}`,
          action_type: 'add',
          action_detail: tag,
        });
        if (answer.body?.code === 0) acknowledged.set(tag, answer.body.data.id);
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
    return { acknowledged: acknowledged.size, lost, duplicated, integrity };
  } finally {
    await again.stop();
  }
}
