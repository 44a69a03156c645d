import type { Command } from '../command.js';
import { backupCommand } from './backup.js';
import { migrateCommand } from './migrate.js';
import { pruneCommand } from './prune.js';
import { serveCommand } from './serve.js';

/** Every `actlog <command>`, in the order `actlog --help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand, migrateCommand, backupCommand, pruneCommand];
