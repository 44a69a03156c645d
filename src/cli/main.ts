#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, resolveServeConfig, SERVE_OPTIONS, type ServeOptionName } from '../config.js';
import { VERSION } from '../version.js';
import { serve } from './serve.js';

const MAIN_HELP = `actlog ${VERSION} — a drop-in, durable Activity Log API server (TikMatrix compatible)

Usage:
  actlog serve [options]   run the server (see: actlog serve --help)
  actlog --help            show this help
  actlog --version         print the version

The API listens on http://127.0.0.1:50809/api/v1/activity_log by default;
the OpenAPI document is at /openapi.json and an interactive page at /docs.
`;

function serveHelp(): string {
  const rows = Object.entries(SERVE_OPTIONS).map(([name, o]) => {
    const flag = `  --${name} <value>`.padEnd(26);
    return `${flag}${o.help}\n${' '.repeat(26)}env ${o.env}, default ${o.default || '(none)'}`;
  });
  return `Usage: actlog serve [options]

Runs the Activity Log API. Flags win over environment variables, which win over defaults.
Prints one line with the URL when ready; logs requests as JSON on stderr.
SIGINT or SIGTERM: stop taking requests, finish those in flight, close the database, exit 0.

Options:
${rows.join('\n')}
  -h, --help              show this help
`;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(MAIN_HELP);
    return command === undefined ? 2 : 0;
  }
  if (command === '--version' || command === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  if (command !== 'serve') {
    process.stderr.write(`actlog: unknown command "${command}"\n\n${MAIN_HELP}`);
    return 2;
  }
  const options = Object.fromEntries(
    Object.keys(SERVE_OPTIONS).map((name) => [name, { type: 'string' as const }]),
  ) as Record<ServeOptionName, { type: 'string' }>;
  const { values } = parseArgs({
    args: rest,
    options: { ...options, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(serveHelp());
    return 0;
  }
  const { help: _help, ...flags } = values;
  await serve(resolveServeConfig(flags, process.env));
  return -1; // keep running until a signal
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`actlog: ${known ? (error as Error).message : String((error as Error)?.message ?? error)}\n`);
    process.exit(known ? 2 : 1);
  },
);
