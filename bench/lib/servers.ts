import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { request } from 'node:http';

export interface ServerProcess {
  name: string;
  /** e.g. http://127.0.0.1:40123 */
  origin: string;
  pid: number;
  child: ChildProcess;
  /** SIGTERM, then wait for the exit (SIGKILL after a grace period). */
  stop(): Promise<void>;
}

/**
 * The environment for servers: this one without actlog's own settings (ACTLOG_TOKEN,
 * ACTLOG_RATE_LIMIT…), so that what the flags say is what is measured.
 */
export const serverEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith('ACTLOG_') || name.startsWith('ACTLOG_BENCH_')),
  );

/** Spawns `node <args>` and resolves once it prints its ready line ("… listening on http://…"). */
export async function startServer(
  name: string,
  nodeArgs: string[],
  timeoutMs = 60_000,
  env: NodeJS.ProcessEnv = serverEnv(),
): Promise<ServerProcess> {
  const child = spawn(process.execPath, nodeArgs, { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const exited = once(child, 'exit');
  const origin = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name}: no ready line within ${timeoutMs} ms; ${stderr}`)),
      timeoutMs,
    );
    child.stdout.on('data', (d) => {
      stdout += d;
      const match = /listening on (http:\/\/[^\s/]+)/.exec(stdout);
      if (match) {
        clearTimeout(timer);
        resolve(match[1] as string);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code ?? signal}) before it was ready: ${stderr.trim()}`));
    });
  });
  return {
    name,
    origin,
    pid: child.pid as number,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const kill = setTimeout(() => child.kill('SIGKILL'), 15_000);
      child.kill('SIGTERM');
      await exited;
      clearTimeout(kill);
    },
  };
}

/** One GET (or other method) without keep-alive; resolves with the status and body. */
export function httpRequest(url: string, method = 'GET', body?: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method, agent: false, headers: body ? { 'content-type': 'application/json' } : {} },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** Resident set size now and its peak (VmHWM), in KiB, from /proc. */
export function memoryOf(pid: number): { rssKiB: number; hwmKiB: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN);
    return { rssKiB: field('VmRSS'), hwmKiB: field('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a process's RSS every `intervalMs`; `stop` returns the largest sample and the kernel's peak. */
export function sampleMemory(pid: number, intervalMs = 100) {
  let maxRssKiB = 0;
  let hwmKiB = 0;
  let samples = 0;
  const take = () => {
    const m = memoryOf(pid);
    if (!m) return;
    samples++;
    maxRssKiB = Math.max(maxRssKiB, m.rssKiB);
    hwmKiB = Math.max(hwmKiB, m.hwmKiB);
  };
  take();
  const timer = setInterval(take, intervalMs);
  return {
    stop() {
      take();
      clearInterval(timer);
      return { maxRssKiB, hwmKiB, samples };
    },
  };
}
