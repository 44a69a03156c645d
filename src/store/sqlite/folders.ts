import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `mkdir -p`. Not `mkdirSync(dir, { recursive: true })`: where a parent exists but cannot
 * hold folders (`/proc`, a dangling symlink) Node's walk steps back on ENOENT and forward on
 * EEXIST forever, so `--db /proc/x/y.db` hung instead of failing. Here a second ENOENT, after
 * the parent was made or found, is final.
 */
export function makeFolders(dir: string): void {
  try {
    mkdirSync(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return;
    if (code !== 'ENOENT' || dirname(dir) === dir) throw error;
  }
  makeFolders(dirname(dir));
  try {
    mkdirSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
