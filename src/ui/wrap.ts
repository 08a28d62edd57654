// Word wrapping of free text (warnings, reasons, footers) to the terminal's width. Text is broken only at spaces:
// a word, and so a name inside the text, is never cut, even when it is wider than the terminal.

const ANSI = /\x1b\[[0-9;]*m/g;

export function visibleLength(text: string): number {
  return text.replace(ANSI, '').length;
}

/** `text` in lines of at most `width` visible characters (a word longer than that has a line of its own). */
export function wrapWords(text: string, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(' ').filter((candidate) => candidate !== '')) {
      if (line !== '' && visibleLength(line) + 1 + visibleLength(word) > width) {
        lines.push(line);
        line = word;
      } else {
        line = line === '' ? word : `${line} ${word}`;
      }
    }
    lines.push(line);
  }
  return lines;
}

/**
 * A line of free text wrapped to `width` columns, continuation lines indented by `indent`; unchanged when the width
 * is unknown (not a terminal, like kubectl) or the text fits. A trailing newline is kept.
 */
export function wrapText(text: string, width: number | undefined, indent = '  '): string {
  const newline = text.endsWith('\n') ? '\n' : '';
  const body = newline ? text.slice(0, -1) : text;
  if (width === undefined || body.split('\n').every((line) => visibleLength(line) <= width)) return text;
  const [first = '', ...rest] = wrapWords(body, width);
  // The continuation lines are indented, so they are wrapped again to the narrower room left to them.
  const continued = rest.length === 0 ? [] : wrapWords(rest.join(' '), Math.max(width - indent.length, 1)).map((line) => `${indent}${line}`);
  return [first, ...continued].join('\n') + newline;
}
