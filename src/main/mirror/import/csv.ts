import { RowProblem } from './row-problem';

/**
 * A carriage return outside quotes: RFC 4180 allows CR only in a line's CRLF or inside a quoted cell. Seen in CR CR LF
 * files (a CRLF written through a text-mode stream): left in, it would become part of the last cell's value. Its own
 * class: a record spanning lines that breaks this way is not a quote left open (record-parser.ts).
 */
export class BareCrProblem extends RowProblem {}

function bareCr(cellsBefore: number, text: string): RowProblem {
  let cell = cellsBefore + 1;
  for (let i = text.indexOf('\r') - 1; i >= 0; i--) if (text.charCodeAt(i) === 0x2c) cell++;
  return new BareCrProblem(
    'bad_csv',
    null,
    `a carriage return (CR) inside unquoted cell ${cell}: a CSV line ends in LF or CRLF, and a CR in a value must be quoted`,
  );
}

/**
 * Splits one RFC 4180 record into cells. An unquoted empty cell is null, a quoted "" is the empty string
 * (DATA-FORMAT.md). A quote or a CR inside an unquoted cell, text after a closing quote, or a quote left open is bad_csv.
 */
export function parseCsvRecord(record: string): (string | null)[] {
  if (record.indexOf('"') === -1) {
    // Fast path: the common transaction row has no quotes at all.
    if (record.indexOf('\r') !== -1) throw bareCr(0, record);
    const cells: (string | null)[] = record.split(',');
    for (let i = 0; i < cells.length; i++) if (cells[i] === '') cells[i] = null;
    return cells;
  }
  const cells: (string | null)[] = [];
  let i = 0;
  const n = record.length;
  for (;;) {
    if (record.charCodeAt(i) === 0x22) {
      let value = '';
      let from = i + 1;
      for (;;) {
        const q = record.indexOf('"', from);
        if (q === -1) throw new RowProblem('bad_csv', null, `quoted cell ${cells.length + 1} is never closed`);
        value += record.slice(from, q);
        if (record.charCodeAt(q + 1) === 0x22) {
          value += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      cells.push(value);
      if (i === n) return cells;
      if (record.charCodeAt(i) !== 0x2c) {
        throw new RowProblem('bad_csv', null, `unexpected text after the closing quote of cell ${cells.length}`);
      }
      i += 1;
      if (i === n) {
        cells.push(null);
        return cells;
      }
    } else {
      let comma = record.indexOf(',', i);
      if (comma === -1) comma = n;
      const raw = record.slice(i, comma);
      if (raw.indexOf('"') !== -1)
        throw new RowProblem('bad_csv', null, `a quote inside unquoted cell ${cells.length + 1}`);
      if (raw.indexOf('\r') !== -1) throw bareCr(cells.length, raw);
      cells.push(raw === '' ? null : raw);
      if (comma === n) return cells;
      i = comma + 1;
      if (i === n) {
        cells.push(null);
        return cells;
      }
    }
  }
}
