import { parse } from 'csv-parse/sync';
import Papa from 'papaparse';
import { invalid } from '../domain/errors.js';
import { FIELD_NAMES, FIELDS, type FieldName } from '../domain/fields.js';

/**
 * Records as CSV (extensions §7): RFC 4180 (quotes, CRLF), written by Papa Parse and read by
 * csv-parse, a header row of every field in record order, empty cells for absent fields,
 * `metadata` as its compact JSON.
 *
 * Formula-like cells are made safe for spreadsheets: text that begins with = + - @, a tab or a
 * carriage return (which Excel, LibreOffice and Google Sheets would evaluate) gets a leading
 * apostrophe, and so does text that itself begins with an apostrophe, so that the rule can be
 * undone exactly: `actlog import` (fromCsvRow) removes one leading apostrophe before any of those
 * characters. Numbers are never prefixed. docs/decisions.md, "Export and import".
 */
export const CSV_COLUMNS: readonly FieldName[] = FIELD_NAMES;

/** = + - @ tab CR and the apostrophe itself, by character code (export checks every text cell). */
const FORMULA_START = new Set([..."=+-@\t\r'"].map((c) => c.charCodeAt(0)));
const PREFIXED = /^'[=+\-@\t\r']/;

export const safeCell = (text: string) => (FORMULA_START.has(text.charCodeAt(0)) ? `'${text}` : text);
export const unsafeCell = (text: string) => (PREFIXED.test(text) ? text.slice(1) : text);

/**
 * The CSV text of some rows of cells (each already in CSV_COLUMNS order), CRLF line ends. A cell
 * is quoted when it holds a comma, a quote, a CR or an LF (a lone line break too: csv-stringify,
 * used before, left a lone LF unquoted under CRLF record ends, which split the row for Python's
 * `csv` and spreadsheets), or begins or ends with a space. docs/decisions.md, "Export and import".
 */
export function csvLines(rows: readonly (readonly string[])[]): string {
  return rows.length === 0 ? '' : `${Papa.unparse(rows as string[][], UNPARSE)}\r\n`;
}

const UNPARSE: Papa.UnparseConfig = { newline: '\r\n', header: false };

export const CSV_HEADER = csvLines([CSV_COLUMNS as string[]]);

/** One field value's cell (absent: undefined, an empty cell; metadata: its JSON text). */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? safeCell(value) : String(value);
}

/** How CSV is read, by `parseCsv` and by `actlog import`'s streaming parser alike. */
export const CSV_PARSE_OPTIONS = { relax_column_count: false, bom: true } as const;

/** Parses CSV text into rows of cells (the header included). */
export const parseCsv = (text: string): string[][] => parse(text, CSV_PARSE_OPTIONS) as string[][];

/**
 * One CSV row (under `header`) as a record body for validation: empty cells are absent fields,
 * except the contract's own text fields, where empty is the empty string; integers and metadata
 * are parsed back; the id is dropped (an import gets new ids).
 */
export function fromCsvRow(header: readonly string[], cells: readonly string[], item: number): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  header.forEach((name, i) => {
    const spec = FIELDS[name as FieldName];
    const cell = cells[i] ?? '';
    if (!spec || name === 'id') return;
    if (cell === '') {
      if (spec.kind === 'text' && spec.origin === 'contract') body[name] = '';
      return;
    }
    if (spec.kind === 'integer') {
      if (!/^[0-9]+$/.test(cell)) throw invalid(`item ${item}: ${name} must be a whole number`);
      body[name] = Number(cell);
    } else if (spec.kind === 'object') {
      try {
        body[name] = JSON.parse(cell);
      } catch {
        throw invalid(`item ${item}: ${name} is not valid JSON`);
      }
    } else body[name] = unsafeCell(cell);
  });
  return body;
}
