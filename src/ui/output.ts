// Writes a command's data to stdout as a table, JSON or YAML, optionally through a --jq filter.

import yaml from 'js-yaml';
import { applyJq } from './jq.ts';

export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml';
export const OUTPUT_FORMATS: OutputFormat[] = ['table', 'wide', 'json', 'yaml'];

export function toYaml(document: unknown): string {
  return yaml.dump(document, { noRefs: true, lineWidth: -1, sortKeys: false });
}

export function toYamlStream(documents: unknown[]): string {
  return documents.map((document) => `---\n${toYaml(document)}`).join('');
}

/** Machine output for json/yaml; undefined for table formats, which each command renders itself. */
export async function machineOutput(document: unknown, format: OutputFormat, jq: string | undefined): Promise<string | undefined> {
  if (jq) return await applyJq(document, jq);
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  if (format === 'yaml') return toYaml(document);
  return undefined;
}

function indented(text: string, prefix: string, firstLine: boolean): string {
  return text.split('\n').map((line, index) => (index === 0 && !firstLine ? line : `${prefix}${line}`)).join('\n');
}

/** The items of an array held by a top-level key, as `JSON.stringify(document, null, 2)` writes them. */
export function jsonArrayItems(items: unknown[]): string {
  return items.map((item) => indented(JSON.stringify(item, null, 2), '    ', true)).join(',\n');
}

/**
 * `JSON.stringify({ [key]: items, ...rest }, null, 2)` and a newline, in pieces to write one after another, from the
 * items' text made part by part (jsonArrayItems): the items are not held as objects, nor the text as one string.
 */
export function jsonPiecesWithArrayParts(key: string, parts: string[], rest: Record<string, unknown>): string[] {
  const items = parts.filter((part) => part.length > 0);
  const pieces = items.length === 0 ? [`{\n  ${JSON.stringify(key)}: []`] : [`{\n  ${JSON.stringify(key)}: [\n`, ...items.flatMap((item, index) => (index === 0 ? [item] : [',\n', item])), '\n  ]'];
  for (const [name, value] of Object.entries(rest)) pieces.push(`,\n  ${JSON.stringify(name)}: ${indented(JSON.stringify(value, null, 2), '  ', false)}`);
  pieces.push('\n}\n');
  return pieces;
}

/** Writes text made of many pieces (table lines, JSON parts) about 64 KiB at a time, never joined whole. */
export function writePieces(pieces: string[], write: (text: string) => void = (text) => void process.stdout.write(text)): void {
  let batch: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    batch.push(piece);
    length += piece.length;
    if (length >= 65_536) {
      write(batch.join(''));
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) write(batch.join(''));
}
