import { ActlogClient, type Filter } from '../../clients/typescript/src/index.js';
import type { RetryOptions } from '../../clients/typescript/src/retry.js';
import { ConfigError, DEFAULT_PORT, type OptionSpec } from '../config.js';
import { EQUALITY_FIELDS } from '../domain/fields.js';
import type { OptionGroup } from './command.js';

/**
 * What the commands that call a running server share: where it is, how to print, which records.
 * They all use the typed client (clients/typescript), so there is one piece of HTTP code.
 *
 * The token comes only from ACTLOG_TOKEN, never from a flag: a command line is visible to every
 * user of the machine (`ps`, /proc/<pid>/cmdline) and stays in shell history.
 */
export const CLIENT_OPTIONS = {
  url: {
    env: 'ACTLOG_URL',
    default: `http://127.0.0.1:${DEFAULT_PORT}`,
    help: 'the server to call (the token, if it needs one, comes from ACTLOG_TOKEN)',
  },
  json: {
    env: '',
    default: '',
    kind: 'boolean',
    help: 'print JSON (NDJSON for records) even on a terminal; the default when stdout is not one',
  },
} as const satisfies Record<string, OptionSpec>;

const kebab = (name: string) => name.replaceAll('_', '-');

/** The filters of extensions §2 as flags: --platform, --action-type, --since 2h, --q text… */
export const FILTER_OPTIONS: Record<string, OptionSpec> = {
  ...Object.fromEntries(
    EQUALITY_FIELDS.map((name) => [kebab(name), { env: '', default: '', help: `only records whose ${name} is this` }]),
  ),
  since: {
    env: '',
    default: '',
    help: 'only records at or after this time: Unix seconds, an ISO date/time (2026-11-27, 2026-11-27T08:00Z) or an age (30m, 2h, 7d)',
  },
  until: { env: '', default: '', help: 'only records before this time (the same forms as --since)' },
  q: {
    env: '',
    default: '',
    help: 'only records whose action_detail or error contains this text (ASCII letters in any case)',
  },
};

export const clientGroup: OptionGroup = { title: 'Client options', options: CLIENT_OPTIONS };
export const filterGroup: OptionGroup = { title: 'Filters (combined with AND)', options: FILTER_OPTIONS };

/** Client commands retry a little (a server restarting), then say it is unreachable (exit 3). */
const CLI_RETRY: RetryOptions = { retries: 3, baseMs: 200, maxMs: 2000 };

export function clientFrom(
  flags: Record<string, string | string[] | boolean>,
  env: NodeJS.ProcessEnv,
  retry: RetryOptions = CLI_RETRY,
): ActlogClient {
  const url = (flags.url as string | undefined) || env[CLIENT_OPTIONS.url.env] || CLIENT_OPTIONS.url.default;
  if (!/^https?:\/\/[^/]+/.test(url)) throw new ConfigError(`--url must be an http:// or https:// URL (got "${url}")`);
  const token = env.ACTLOG_TOKEN || undefined;
  return new ActlogClient({ url, retry, ...(token ? { token } : {}) });
}

/** JSON when asked, or when stdout is a file or a pipe; a table for a person at a terminal. */
export const wantsJson = (flags: Record<string, unknown>) => flags.json === true || !process.stdout.isTTY;

/** The filter flags as the API's query parameters; times converted to Unix seconds. */
export function filterFrom(flags: Record<string, string | string[] | boolean>, now = Date.now()): Filter {
  const filter: Record<string, string | number> = {};
  for (const name of EQUALITY_FIELDS) {
    const value = flags[kebab(name)];
    if (typeof value === 'string' && value !== '') filter[name] = value;
  }
  for (const name of ['since', 'until'] as const) {
    const value = flags[name];
    if (typeof value === 'string' && value !== '') filter[name] = parseTime(name, value, now);
  }
  if (typeof flags.q === 'string' && flags.q !== '') filter.q = flags.q;
  return filter as Filter;
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** `1707725000`, `2026-11-27`, `2026-11-27T08:00:00+01:00`, or an age before now: `90s`, `30m`, `2h`, `7d`, `2w`. */
export function parseTime(name: string, value: string, now = Date.now()): number {
  if (/^[0-9]+$/.test(value)) return Number(value);
  const age = /^([0-9]+)([smhdw])$/.exec(value);
  if (age) return Math.floor(now / 1000) - Number(age[1]) * (UNITS[age[2] as string] as number);
  const ms = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new ConfigError(
      `--${name} must be Unix seconds, an ISO date or time (2026-11-27T08:00Z) or an age like 2h (got "${value}")`,
    );
  }
  return Math.floor(ms / 1000);
}

/** A whole-number flag, or the default when it is not given. */
export function wholeFlag(
  flags: Record<string, unknown>,
  name: string,
  min: number,
  fallback?: number,
): number | undefined {
  const raw = flags[name];
  if (raw === undefined || raw === '') return fallback;
  if (typeof raw !== 'string' || !/^[0-9]+$/.test(raw) || Number(raw) < min || Number(raw) > Number.MAX_SAFE_INTEGER) {
    throw new ConfigError(`--${name} must be a whole number of at least ${min} (got "${String(raw)}")`);
  }
  return Number(raw);
}

/** Writes to stdout, waiting when the pipe is full (a reader such as `head` sets the pace). */
export function writeOut(text: string): Promise<void> | undefined {
  if (process.stdout.write(text)) return undefined;
  return new Promise((resolve) => process.stdout.once('drain', resolve));
}
