import { DEFAULT_BODY_LIMIT_BYTES } from './domain/limits.js';

/** Everything `actlog serve` can be told, after flags, environment and defaults are merged. */
export interface ServeConfig {
  host: string;
  port: number;
  db: string;
  logLevel: LogLevel;
  bodyLimit: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One row per setting: the flag, its environment variable, its default and its help line. */
export const SERVE_OPTIONS = {
  host: { env: 'ACTLOG_HOST', default: '127.0.0.1', help: 'address to listen on' },
  port: { env: 'ACTLOG_PORT', default: '50809', help: 'port to listen on; 0 picks a free port' },
  db: { env: 'ACTLOG_DB', default: './data/actlog.db', help: 'SQLite database file; folders are created' },
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
} as const;
export type ServeOptionName = keyof typeof SERVE_OPTIONS;

export class ConfigError extends Error {}

/** Flags win over environment variables, which win over defaults. */
export function resolveServeConfig(
  flags: Partial<Record<ServeOptionName, string>>,
  env: NodeJS.ProcessEnv,
): ServeConfig {
  const pick = (name: ServeOptionName): string => {
    const option = SERVE_OPTIONS[name];
    const value = flags[name] ?? env[option.env];
    return value === undefined || value === '' ? option.default : value;
  };
  const logLevel = pick('log-level');
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new ConfigError(`--log-level must be one of ${LOG_LEVELS.join(', ')} (got "${logLevel}")`);
  }
  return {
    host: pick('host'),
    port: wholeNumber('port', pick('port'), 0, 65535),
    db: pick('db'),
    logLevel: logLevel as LogLevel,
    bodyLimit: wholeNumber('body-limit', pick('body-limit'), 1024, 64 * 1024 * 1024),
  };
}

function wholeNumber(name: string, raw: string, min: number, max: number): number {
  const value = /^[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new ConfigError(`--${name} must be a whole number from ${min} to ${max} (got "${raw}")`);
  }
  return value;
}
