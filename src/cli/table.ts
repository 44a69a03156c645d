import type { ActivityRecord } from '../../clients/typescript/src/index.js';

/**
 * Plain-text tables for a person at a terminal: a header, columns as wide as their widest cell,
 * and the last column cut (with …) to fit the terminal. Control characters in cells are shown
 * as spaces, so a record cannot move the cursor or break a row.
 */
export function table(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  width = terminalWidth(),
): string {
  const all = [header, ...rows].map((row) => row.map(clean));
  const widths = header.map((_, i) => Math.max(...all.map((row) => [...(row[i] ?? '')].length)));
  const lines = all.map((row) => {
    const cells = row.map((cell, i) => (i === row.length - 1 ? cell : pad(cell, widths[i] as number)));
    return fit(cells.join('  ').trimEnd(), width);
  });
  return `${lines.join('\n')}\n`;
}

/** Control characters shown as spaces: text from the log must not move the cursor or break a line. */
const clean = (cell: string) => cell.replace(/\p{Cc}/gu, ' ');

/** One line of cells for a stream of records (actlog tail): cleaned, cut to the terminal. */
export const line = (cells: readonly string[], width = terminalWidth()) =>
  `${fit(cells.map(clean).join('  '), width)}\n`;

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - [...text].length));

/** Cuts a line to `width` characters (code points), ending it with … when cut. */
function fit(line: string, width: number): string {
  const chars = [...line];
  return chars.length <= width ? line : `${chars.slice(0, Math.max(1, width - 1)).join('')}…`;
}

const terminalWidth = () => (process.stdout.columns && process.stdout.columns > 20 ? process.stdout.columns : 120);

/** A Unix time as UTC, the way logs read it: 2024-02-12 08:03:20. */
export const utc = (seconds: number) =>
  Number.isFinite(seconds) && seconds * 1000 <= 8.64e15
    ? new Date(seconds * 1000)
        .toISOString()
        .replace('T', ' ')
        .replace(/\.000Z$/, '')
    : String(seconds);

export const RECORD_HEADER = ['id', 'time (UTC)', 'platform', 'serial', 'action', 'username', 'status', 'detail'];

/** A record as a table row: the fields people scan, the detail (or the error) last. */
export function recordRow(record: ActivityRecord): string[] {
  const detail = record.error ? `${record.action_detail} [${record.error}]`.trim() : record.action_detail;
  return [
    String(record.id),
    utc(record.timestamp),
    record.platform,
    record.serial,
    record.action_type,
    record.username,
    record.status ?? '',
    detail,
  ];
}
