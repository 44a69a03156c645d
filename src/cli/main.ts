#!/usr/bin/env -S node --max-semi-space-size=8
import { ConfigError, DEFAULT_PORT } from '../config.js';
import { VERSION } from '../version.js';
import { type Command, commandHelp, EXIT, parseCommandLine, RUNNING } from './command.js';
import { COMMANDS } from './commands/index.js';

const GROUPS = {
  server: 'Commands',
  store: 'On the database itself (--db or --database-url)',
  client: 'Calling a running server (--url or ACTLOG_URL; token from ACTLOG_TOKEN)',
} as const;

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  const groups = Object.entries(GROUPS).map(([group, title]) => {
    const rows = COMMANDS.filter((c) => c.group === group).map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
    return `${title}:\n${rows.join('\n')}`;
  });
  return `actlog ${VERSION} — a drop-in, durable Activity Log API server (TikMatrix compatible)

Usage: actlog <command> [options]

${groups.join('\n\n')}

  actlog <command> --help   the options of one command
  actlog --version          print the version

Exit codes: ${EXIT.ok} done · ${EXIT.failure} failed (database, port, files, an answer of the server; the reason is on stderr) · ${EXIT.usage} wrong command line · ${EXIT.unreachable} server unreachable.
In a clone of the repository actlog is not on the PATH: run npx actlog <command>, or npm link once.

The API listens on http://127.0.0.1:${DEFAULT_PORT}/api/v1/activity_log by default;
the OpenAPI document is at /openapi.json and an interactive page at /docs.
`;
}

async function main(argv: string[]): Promise<number | typeof RUNNING> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(mainHelp());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`${VERSION}\n`);
    return EXIT.ok;
  }
  const command: Command | undefined = COMMANDS.find((c) => c.name === name);
  if (!command) {
    process.stderr.write(`actlog: unknown command "${name}"\n\n${mainHelp()}`);
    return EXIT.usage;
  }
  const input = parseCommandLine(command, rest);
  if ('help' in input) {
    process.stdout.write(commandHelp(command));
    return EXIT.ok;
  }
  return command.run(input);
}

// A reader that stopped early (actlog list | head) is not a failure: stop quietly, as cat would.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(EXIT.ok);
  throw error;
});

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== RUNNING) process.exitCode = code;
  },
  (error: unknown) => {
    const code = (error as { code?: unknown }).code;
    const usage = error instanceof ConfigError || (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'));
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`actlog: ${message}\n`);
    const unreachable = error instanceof Error && error.name === 'ActlogConnectionError';
    process.exit(usage ? EXIT.usage : unreachable ? EXIT.unreachable : EXIT.failure);
  },
);
