// kubectl-style tables: upper-case headers, columns padded to their widest cell, three spaces apart.

const ANSI = /\x1b\[[0-9;]*m/g;

function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

export function formatTable(headers: string[], rows: string[][]): string {
  return tableLines(headers, rows).join('');
}

/** The table's lines, each ending in a newline: a large table can be written without one string holding it all. */
export function tableLines(headers: string[], rows: string[][]): string[] {
  // A loop, not Math.max(...cells): spreading hundreds of thousands of rows overflows the stack.
  const widths = headers.map((header) => header.length);
  for (const row of rows) widths.forEach((width, column) => (widths[column] = Math.max(width, visibleLength(row[column] ?? ''))));
  const line = (cells: string[]): string =>
    cells
      .map((cell, column) => (column === cells.length - 1 ? cell : cell + ' '.repeat(widths[column]! - visibleLength(cell))))
      .join('   ')
      .trimEnd();
  const lines = [`${line(headers.map((header) => header.toUpperCase()))}\n`];
  for (const row of rows) lines.push(`${line(row)}\n`);
  return lines;
}
