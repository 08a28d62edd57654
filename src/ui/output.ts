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
