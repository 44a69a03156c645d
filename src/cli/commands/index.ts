import type { Command } from '../command.js';
import { addCommand } from './add.js';
import { backupCommand } from './backup.js';
import { countCommand } from './count.js';
import { deleteCommand } from './delete.js';
import { exportCommand } from './export.js';
import { importCommand } from './import.js';
import { listCommand } from './list.js';
import { migrateCommand } from './migrate.js';
import { pruneCommand } from './prune.js';
import { serveCommand } from './serve.js';
import { statsCommand } from './stats.js';
import { tailCommand } from './tail.js';

/** Every `actlog <command>`, in the order `actlog --help` lists them (within its group). */
export const COMMANDS: readonly Command[] = [
  serveCommand,
  migrateCommand,
  backupCommand,
  pruneCommand,
  addCommand,
  listCommand,
  countCommand,
  deleteCommand,
  statsCommand,
  tailCommand,
  exportCommand,
  importCommand,
];
