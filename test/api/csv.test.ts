import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import Papa from 'papaparse';
import { CSV_HEADER, csvCell, csvLine, csvLines, parseCsv, safeCell } from '../../src/api/csv.js';

/** What Papa Parse itself writes for the same values, each text made formula-safe first. */
const papaLine = (values: readonly unknown[]) =>
  Papa.unparse([values.map((v) => (v === undefined || v === null ? '' : typeof v === 'string' ? safeCell(v) : v))], {
    newline: '\r\n',
    header: false,
  });

/** Text from the characters CSV and spreadsheets care about, and a few plain ones. */
const hostileText = fc
  .array(fc.constantFrom('"', ',', '\r', '\n', '\ufeff', ' ', '\t', '=', '+', '-', '@', "'", 'a', 'é', '名', '0'), {
    maxLength: 8,
  })
  .map((chars) => chars.join(''));
const value = fc.oneof(hostileText, fc.string(), fc.nat(), fc.constant(undefined), fc.constant(null));

describe('CSV writing', () => {
  it('writes every line exactly as Papa Parse would, though plain cells skip it', () => {
    fc.assert(
      fc.property(fc.array(value, { minLength: 1, maxLength: 13 }), (values) => {
        assert.equal(csvLine(values), papaLine(values));
      }),
      { numRuns: 5000 },
    );
  });

  it('quotes a cell only where CSV needs it, and reads back to the formula-safe text', () => {
    const cases: [unknown, string][] = [
      ['plain', 'plain'],
      ['', ''],
      [undefined, ''],
      [42, '42'],
      ['a,b', '"a,b"'],
      ['say "hi"', '"say ""hi"""'],
      ['line\nbreak', '"line\nbreak"'],
      ['lone\rreturn', '"lone\rreturn"'],
      [' padded', '" padded"'],
      ['padded ', '"padded "'],
      ['\ufeffmark', '"\ufeffmark"'],
      ['=1+2', "'=1+2"],
      ['-1', "'-1"],
      ["'quoted", "''quoted"],
      ['名前', '名前'],
    ];
    for (const [input, field] of cases) assert.equal(csvCell(input), field, JSON.stringify(input));
    const line = csvLine(cases.map(([input]) => input));
    assert.deepEqual(parseCsv(csvLines([line])), [
      cases.map(([input]) => (input === undefined ? '' : typeof input === 'string' ? safeCell(input) : String(input))),
    ]);
  });

  it('ends every line with CRLF and writes nothing for no lines', () => {
    assert.equal(csvLines([]), '');
    assert.equal(csvLines(['a,b', 'c,d']), 'a,b\r\nc,d\r\n');
    assert.match(CSV_HEADER, /^id,platform,.*,event_id\r\n$/);
  });
});
