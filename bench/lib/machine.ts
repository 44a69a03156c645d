import { execFileSync } from 'node:child_process';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, release, totalmem } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';

export interface Machine {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  kernel: string;
  node: string;
  sqlite: string;
  packages: Record<string, string>;
  git: string;
  /** fsync after writing 4 KiB and 256 KiB, in the data directory: median and p90, in ms. */
  fsync: { kib: number; median: number; p90: number }[];
}

/** How long the disk takes to make a write durable: the floor of any durable commit. */
export function probeFsync(dir: string): Machine['fsync'] {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'fsync-probe');
  const fd = openSync(file, 'w');
  try {
    return [4, 256].map((kib) => {
      const buffer = Buffer.alloc(kib * 1024, 7);
      const times: number[] = [];
      for (let i = 0; i < (kib === 4 ? 200 : 50); i++) {
        writeSync(fd, buffer, 0, buffer.length, i * buffer.length);
        const started = performance.now();
        fsyncSync(fd);
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.floor(q * (times.length - 1))] as number;
      return { kib, median: at(0.5), p90: at(0.9) };
    });
  } finally {
    closeSync(fd);
    rmSync(file, { force: true });
  }
}

const read = (file: string) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
};

function git(root: string): string {
  try {
    const run = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8' }).trim();
    const commit = run('rev-parse', '--short', 'HEAD');
    const dirty = run('status', '--porcelain', '--', 'src').length > 0;
    return dirty ? `${commit} + uncommitted changes in src/` : commit;
  } catch {
    return 'unknown';
  }
}

export function describeMachine(root: string, dataDir: string): Machine {
  const cpuinfo = read('/proc/cpuinfo');
  const models = [...cpuinfo.matchAll(/^model name\s*:\s*(.+)$/gm)].map((m) => (m[1] as string).trim());
  const os = /^PRETTY_NAME="?([^"\n]+)"?/m.exec(read('/etc/os-release'))?.[1] ?? process.platform;
  const db = new Database(':memory:');
  const sqlite = db.prepare('SELECT sqlite_version()').pluck().get() as string;
  db.close();
  const require = createRequire(`${root}/package.json`);
  const packages: Record<string, string> = {};
  for (const name of ['fastify', 'better-sqlite3', 'autocannon']) {
    try {
      packages[name] = (require(`${name}/package.json`) as { version: string }).version;
    } catch {
      packages[name] = 'unknown';
    }
  }
  return {
    cpus: availableParallelism(),
    cpuModel: [...new Set(models)].join(', ') || 'unknown',
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    os,
    kernel: release(),
    node: process.version,
    sqlite,
    packages,
    git: git(root),
    fsync: probeFsync(dataDir),
  };
}
