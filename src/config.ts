import { DEFAULT_BODY_LIMIT_BYTES, DEFAULT_MAX_STREAMS } from './domain/limits.js';
import { parseRetentionDays, parseRetentionRule, type Retention } from './domain/retention.js';

/** Where the records are: what every command that touches the store needs, and nothing else. */
export interface StoreConfig {
  db: string;
  /** `postgres://…`: use PostgreSQL instead of the SQLite file. */
  databaseUrl?: string;
}

/** How the HTTP server listens and whom it lets in. */
export interface ServerConfig {
  host: string;
  port: number;
  logLevel: LogLevel;
  bodyLimit: number;
  token?: string;
  readToken?: string;
  corsOrigins: string[];
  /** Requests per minute per client; 0 = off. */
  rateLimit: number;
  /** Live-tail streams open at once. */
  maxStreams: number;
}

/** Everything `actlog serve` can be told, after flags, environment and defaults are merged. */
export interface ServeConfig extends StoreConfig, ServerConfig {}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One setting: its flag (the key), environment variable, default and help line. */
export interface OptionSpec {
  readonly env: string;
  readonly default: string;
  readonly help: string;
  /** A flag without a value (`--dry-run`), or one that may be given several times (its variable: comma-separated). */
  readonly kind?: 'boolean' | 'multiple';
}

/** TikMatrix's own Activity Log API listens here too: actlog replaces it on the same port. */
export const DEFAULT_PORT = 50809;

/** Options of every command that opens the store. */
export const STORE_OPTIONS = {
  db: { env: 'ACTLOG_DB', default: './data/actlog.db', help: 'SQLite database file; folders are created' },
  'database-url': {
    env: 'ACTLOG_DATABASE_URL',
    default: '',
    help: 'postgres://user:pass@host:5432/db — use PostgreSQL (shared by many instances) instead of --db',
  },
} as const satisfies Record<string, OptionSpec>;

/** Options of the HTTP server only. */
export const SERVER_OPTIONS = {
  host: { env: 'ACTLOG_HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: { env: 'ACTLOG_PORT', default: String(DEFAULT_PORT), help: 'port to listen on; 0 picks a free port' },
  'log-level': {
    env: 'ACTLOG_LOG_LEVEL',
    default: 'info',
    help: `${LOG_LEVELS.join(', ')}; info logs one JSON line per request`,
  },
  'body-limit': {
    env: 'ACTLOG_BODY_LIMIT',
    default: String(DEFAULT_BODY_LIMIT_BYTES),
    help: 'largest request body in bytes; larger ones get 41301',
  },
  token: {
    env: 'ACTLOG_TOKEN',
    default: '',
    help: 'access token: every API call then needs "Authorization: Bearer <token>"; required off loopback',
  },
  'read-token': {
    env: 'ACTLOG_READ_TOKEN',
    default: '',
    help: 'a second token that may list and count but not add or delete',
  },
  'cors-origin': {
    env: 'ACTLOG_CORS_ORIGIN',
    default: '',
    help: 'comma-separated origins a browser may call the API from (CORS is off without it)',
  },
  'rate-limit': {
    env: 'ACTLOG_RATE_LIMIT',
    default: '0',
    help: 'requests per minute per client address; 0 = no limit (over it: 429, code 42901)',
  },
  'max-streams': {
    env: 'ACTLOG_MAX_STREAMS',
    default: String(DEFAULT_MAX_STREAMS),
    help: 'live-tail streams open at once; more get 429, code 42901',
  },
} as const satisfies Record<string, OptionSpec>;

/** How long records are kept (extensions §8): for `serve`, which prunes, and `prune`. */
export const RETENTION_OPTIONS = {
  'retain-days': {
    env: 'ACTLOG_RETAIN_DAYS',
    default: '',
    help: 'delete records whose timestamp is more than this many days old (pruned at start, then hourly)',
  },
  'retain-rule': {
    env: 'ACTLOG_RETAIN_RULES',
    default: '',
    kind: 'multiple',
    help: 'FIELD=VALUE:DAYS, another age for matching records, e.g. action_type=view:7 (the longest matching age wins)',
  },
} as const satisfies Record<string, OptionSpec>;

/** 127.0.0.0/8, ::1 and localhost: the addresses that only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const name = host.toLowerCase();
  return name === 'localhost' || name.endsWith('.localhost') || name === '::1' || /^127(\.\d{1,3}){3}$/.test(name);
}

/** Long enough that guessing is hopeless (e.g. `openssl rand -hex 16`). */
export const MIN_TOKEN_LENGTH = 16;
export type StoreOptionName = keyof typeof STORE_OPTIONS;
export type ServerOptionName = keyof typeof SERVER_OPTIONS;
type Flags<Name extends string> = Partial<Record<Name, string>>;

/** A setting that cannot be used as given: the command line is wrong (exit code 2). */
export class ConfigError extends Error {}

/** Flags win over environment variables, which win over defaults. */
function picker<Name extends string>(table: Record<Name, OptionSpec>, flags: Flags<Name>, env: NodeJS.ProcessEnv) {
  return (name: Name): string => {
    const option = table[name];
    const value = flags[name] ?? env[option.env];
    return value === undefined || value === '' ? option.default : value;
  };
}

export function resolveStoreConfig(flags: Flags<StoreOptionName>, env: NodeJS.ProcessEnv): StoreConfig {
  const pick = picker(STORE_OPTIONS, flags, env);
  const config: StoreConfig = { db: pick('db') };
  const databaseUrl = pick('database-url');
  if (databaseUrl) {
    checkDatabaseUrl(databaseUrl);
    config.databaseUrl = databaseUrl;
  }
  return config;
}

/**
 * Refuses a PostgreSQL URL that leaves the host or the database to the driver's defaults
 * (PGHOST, PGDATABASE, the login name): `postgres://` alone would otherwise create the
 * tables wherever those happen to point. The URL itself is never echoed: it may hold a password.
 */
function checkDatabaseUrl(url: string): void {
  const example = 'e.g. postgres://user:password@127.0.0.1:5432/actlog';
  const match = /^postgres(?:ql)?:\/\/([^/?#]*)([^?#]*)/.exec(url);
  if (!match) throw new ConfigError(`--database-url must be a postgres:// or postgresql:// URL (${example})`);
  const [, authority = '', path = ''] = match;
  const host = authority.slice(authority.lastIndexOf('@') + 1).replace(/:[0-9]*$/, '');
  const database = path.replace(/^\//, '');
  const missing = [host ? '' : 'host', database ? '' : 'database'].filter(Boolean);
  if (missing.length > 0) {
    throw new ConfigError(`--database-url must name the ${missing.join(' and the ')} (${example})`);
  }
}

export function resolveServerConfig(flags: Flags<ServerOptionName>, env: NodeJS.ProcessEnv): ServerConfig {
  const pick = picker(SERVER_OPTIONS, flags, env);
  const logLevel = pick('log-level');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  const config: ServerConfig = {
    host: pick('host'),
    port: wholeNumber('port', pick('port'), 0, 65535),
    logLevel: logLevel as LogLevel,
    bodyLimit: wholeNumber('body-limit', pick('body-limit'), 1024, 64 * 1024 * 1024),
    corsOrigins: pick('cors-origin')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    rateLimit: wholeNumber('rate-limit', pick('rate-limit'), 0, 10_000_000),
    maxStreams: wholeNumber('max-streams', pick('max-streams'), 0, 100_000),
  };
  for (const name of ['token', 'read-token'] as const) {
    const value = pick(name);
    if (!value) continue;
    if (value.length < MIN_TOKEN_LENGTH || /\s/.test(value)) {
      throw new ConfigError(`--${name} must be at least ${MIN_TOKEN_LENGTH} characters without spaces`);
    }
    if (name === 'token') config.token = value;
    else config.readToken = value;
  }
  if (config.token && config.token === config.readToken) {
    throw new ConfigError('--token and --read-token must differ');
  }
  // A read token alone would leave nobody able to add or delete over the network, and it
  // is an easy mistake for the full token: off loopback, the full token is what counts.
  if (!isLoopbackHost(config.host) && !config.token) {
    throw new ConfigError(
      config.readToken
        ? `refusing to listen on ${config.host} with only a read token: set the full access token too, with --token <secret> or ACTLOG_TOKEN`
        : `refusing to listen on ${config.host} without an access token: anyone on the network could read and delete the log. ` +
            'Set one with --token <secret> or ACTLOG_TOKEN (e.g. ACTLOG_TOKEN=$(openssl rand -hex 16)), or listen on 127.0.0.1',
    );
  }
  return config;
}

export function resolveServeConfig(
  flags: Flags<StoreOptionName | ServerOptionName>,
  env: NodeJS.ProcessEnv,
): ServeConfig {
  return { ...resolveStoreConfig(flags, env), ...resolveServerConfig(flags, env) };
}

export type RetentionOptionName = keyof typeof RETENTION_OPTIONS;

/** --retain-days and every --retain-rule (flags replace the variable's comma-separated list). */
export function resolveRetention(
  flags: Partial<Record<RetentionOptionName, string | string[]>>,
  env: NodeJS.ProcessEnv,
): Retention {
  const days = (flags['retain-days'] as string | undefined) ?? env[RETENTION_OPTIONS['retain-days'].env] ?? '';
  const given = flags['retain-rule'];
  const rules = given === undefined ? (env[RETENTION_OPTIONS['retain-rule'].env] ?? '').split(',') : [given].flat();
  try {
    const retention: Retention = {
      rules: rules
        .map((rule) => rule.trim())
        .filter(Boolean)
        .map(parseRetentionRule),
    };
    if (days !== '') retention.days = parseRetentionDays(days);
    return retention;
  } catch (error) {
    throw new ConfigError((error as Error).message);
  }
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}
