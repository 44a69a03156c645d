import type { Command } from '../command.js';
import { serveCommand } from './serve.js';

/** Every `actlog <command>`, in the order `actlog --help` lists them. */
export const COMMANDS: readonly Command[] = [serveCommand];
