// kubectl-style tables: upper-case headers, columns padded to their widest cell, three spaces apart. The last column
// may hold free text (a reason, a note): on a terminal of known width, a cell too long for its row's line goes on the
// lines under it, wrapped; no cell is ever cut.

import { visibleLength, wrapWords } from './wrap.ts';

export interface TableOptions {
  /** The terminal's width; undefined (not a terminal) leaves every row on one line, like kubectl. */
  width?: number;
}

/**
 * Free text put under its row starts this far in, so that the rows' first column still stands out. Under the row,
 * not wrapped in its own column: that column starts far right, after the names, and would be a tall narrow strip.
 */
const UNDER_ROW_INDENT = '    ';

export function formatTable(headers: string[], rows: string[][], options: TableOptions = {}): string {
  return tableLines(headers, rows, options).join('');
}

/** The table's lines, each ending in a newline: a large table can be written without one string holding it all. */
export function tableLines(headers: string[], rows: string[][], options: TableOptions = {}): string[] {
  // A loop, not Math.max(...cells): spreading hundreds of thousands of rows overflows the stack.
  const widths = headers.map((header) => header.length);
  for (const row of rows) widths.forEach((width, column) => (widths[column] = Math.max(width, visibleLength(row[column] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column]! - visibleLength(cell))))
      .join('   ')
      .trimEnd();
  const lines = [`${line(headers.map((header) => header.toUpperCase()))}\n`];
  for (const row of rows) {
    for (const text of wrappedRow(row, line, options.width)) lines.push(`${text}\n`);
  }
  return lines;
}

/** A row as one line or, when its last cell overflows the terminal, the row without it and the cell under it. */
function wrappedRow(row: string[], line: (cells: string[]) => string, width: number | undefined): string[] {
  const whole = line(row);
  if (width === undefined || visibleLength(whole) <= width || row.length < 2) return [whole];
  const under = wrapWords(row[row.length - 1]!, Math.max(width - UNDER_ROW_INDENT.length, 1)).map((text) => `${UNDER_ROW_INDENT}${text}`);
  return [line([...row.slice(0, -1), '']), ...under];
}
