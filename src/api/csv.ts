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
 * The cells Papa Parse quotes (papaparse 5.x, `safe`): those holding a quote, a comma, a CR, an LF
 * (a lone line break too: csv-stringify, used before, left a lone LF unquoted under CRLF record
 * ends, which split the row for Python's `csv` and spreadsheets) or a byte order mark, or
 * beginning or ending with a space. Every other cell Papa writes exactly as it is, so those skip
 * the library: one test per cell instead of Papa's per-cell work took writing 250 realistic rows
 * from ~1.3 to ~0.45 µs a row. A test (test/api/csv.test.ts) holds this rule to Papa's own
 * output on hostile cells. docs/decisions.md, "CSV writer".
 */
const QUOTED_BY_PAPA = /[",\r\n\ufeff]|^ | $/;

const UNPARSE: Papa.UnparseConfig = { newline: '\r\n', header: false };

/** A text's CSV field: as it is, or quoted and its quotes doubled by Papa Parse where CSV needs it. */
export const csvField = (text: string) =>
  text === '' || !QUOTED_BY_PAPA.test(text) ? text : Papa.unparse([[text]], UNPARSE);

/**
 * One field value as a CSV field: absent (undefined) is an empty cell, metadata its JSON text,
 * text made formula-safe and then quoted where CSV needs it; numbers as they are.
 */
export function csvCell(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? csvField(safeCell(value)) : String(value);
}

/** One CSV line (without its CRLF) of values in CSV_COLUMNS order. */
export const csvLine = (values: readonly unknown[]) => values.map(csvCell).join(',');

/** The CSV text of some lines: CRLF line ends, the last included. */
export const csvLines = (lines: readonly string[]) => (lines.length === 0 ? '' : `${lines.join('\r\n')}\r\n`);

export const CSV_HEADER = csvLines([csvLine(CSV_COLUMNS)]);

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
