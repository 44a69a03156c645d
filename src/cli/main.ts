#!/usr/bin/env node
import { ConfigError, DEFAULT_PORT } from '../config.js';
import { VERSION } from '../version.js';
import { type Command, commandHelp, EXIT, parseCommandLine, RUNNING } from './command.js';
import { COMMANDS } from './commands/index.js';

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 4;
  const rows = COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`);
  return `actlog ${VERSION} — a drop-in, durable Activity Log API server (TikMatrix compatible)

Usage: actlog <command> [options]

Commands:
${rows.join('\n')}

  actlog <command> --help   the options of one command
  actlog --version          print the version

Exit codes: ${EXIT.ok} done · ${EXIT.failure} failed (database, port, files; the reason is on stderr) · ${EXIT.usage} wrong command line.
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

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== RUNNING) process.exitCode = code;
  },
  (error: unknown) => {
    const usage = error instanceof ConfigError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS');
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`actlog: ${message}\n`);
    process.exit(usage ? EXIT.usage : EXIT.failure);
  },
);
