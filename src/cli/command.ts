import { parseArgs } from 'node:util';
import { ConfigError, type OptionSpec } from '../config.js';

/** Exit codes of every command, documented in `actlog --help` and the README. */
export const EXIT = {
  ok: 0,
  /** The command could not do its work: the database, the port, the file system. */
  failure: 1,
  /** The command line is wrong: unknown command or flag, a bad value, a missing argument. */
  usage: 2,
  /**
   * A client command could not reach the server (refused, reset, timed out) even after retrying.
   * Its own code because a script acts on it differently: try again later, not fix the input.
   */
  unreachable: 3,
} as const;

/** What `run` resolves with for a command that keeps the process alive and exits by itself (on a signal). */
export const RUNNING = Symbol('running');

/** A titled table of `--flag <value>` options, e.g. the store options shared by every store command. */
export interface OptionGroup {
  title: string;
  options: Readonly<Record<string, OptionSpec>>;
}

export interface CommandInput {
  /** Flags given on the command line (environment variables are not merged in yet); repeatable ones as lists. */
  flags: Record<string, string | string[] | boolean>;
  positionals: string[];
  env: NodeJS.ProcessEnv;
}

/** One `actlog <name>` command: everything `main` needs to dispatch to it and describe it. */
export interface Command {
  name: string;
  /** Where `actlog --help` lists it: the server, commands on the store itself, or commands that call a server. */
  group: 'server' | 'store' | 'client';
  /** One line for `actlog --help`. */
  summary: string;
  /**
   * Arguments after the options, e.g. `<target-file>`; `optional` ones may be left out, and a
   * `variadic` last one takes any number (none included).
   */
  args?: { name: string; help: string; optional?: true; variadic?: true }[];
  /** What `actlog <name> --help` explains below the usage line. */
  description: string;
  options: OptionGroup[];
  run(input: CommandInput): Promise<number | typeof RUNNING>;
}

const FLAG_WIDTH = 30;

export function commandHelp(command: Command): string {
  const args = (command.args ?? []).map((a) => ` ${a.name}`).join('');
  const groups = command.options.map(({ title, options }) => {
    const rows = Object.entries(options).map(([name, o]) => {
      const flag = `  --${name}${o.kind === 'boolean' ? '' : ' <value>'}`.padEnd(FLAG_WIDTH);
      const repeat = o.kind === 'multiple' ? ' (repeatable)' : '';
      const source = o.env ? `\n${' '.repeat(FLAG_WIDTH)}env ${o.env}, default ${o.default || '(none)'}` : '';
      return `${flag}${o.help}${repeat}${source}`;
    });
    return `${title}:\n${rows.join('\n')}`;
  });
  const argRows = (command.args ?? []).map((a) => `  ${a.name.padEnd(FLAG_WIDTH - 2)}${a.help}`);
  return [
    `Usage: actlog ${command.name} [options]${args}`,
    '',
    command.description.trimEnd(),
    '',
    ...(argRows.length ? ['Arguments:', ...argRows, ''] : []),
    ...groups.flatMap((g) => [g, '']),
    `${'  -h, --help'.padEnd(FLAG_WIDTH)}show this help`,
    '',
  ].join('\n');
}

/**
 * Reads the command line against the command's own options: a flag of another command
 * (`actlog migrate --port 1`) is an unknown flag here, as is a missing or extra argument.
 */
export function parseCommandLine(command: Command, argv: string[]): { help: true } | CommandInput {
  const specs = Object.fromEntries(command.options.flatMap((g) => Object.entries(g.options)));
  let parsed: ReturnType<typeof parseOptions>;
  try {
    parsed = parseOptions(argv, specs);
  } catch (error) {
    // Node's own message goes on about positionals starting with '-'; name the flag and where to look.
    const flag = /'(-[^']*)'/.exec((error as Error).message)?.[1];
    if ((error as { code?: string }).code !== 'ERR_PARSE_ARGS_UNKNOWN_OPTION' || !flag) throw error;
    throw new ConfigError(`${command.name} has no option ${flag} (see actlog ${command.name} --help)`);
  }
  const { values, positionals } = parsed;
  if (values.help) return { help: true };
  const expected = command.args ?? [];
  const required = expected.filter((a) => !a.optional && !a.variadic);
  if (positionals.length < required.length) {
    const missing = required.slice(positionals.length).map((a) => a.name);
    throw new ConfigError(`${command.name} needs ${missing.join(' ')} (see actlog ${command.name} --help)`);
  }
  if (!expected.at(-1)?.variadic && positionals.length > expected.length) {
    throw new ConfigError(`${command.name}: unexpected argument "${positionals[expected.length]}"`);
  }
  const { help: _help, ...flags } = values;
  return { flags: flags as CommandInput['flags'], positionals, env: process.env };
}

const parseOptions = (argv: string[], specs: Record<string, OptionSpec>) =>
  parseArgs({
    args: argv,
    options: {
      ...Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [
          name,
          spec.kind === 'boolean'
            ? { type: 'boolean' as const }
            : { type: 'string' as const, ...(spec.kind === 'multiple' ? { multiple: true } : {}) },
        ]),
      ),
      help: { type: 'boolean', short: 'h' },
    },
    allowPositionals: true,
    strict: true,
  });
