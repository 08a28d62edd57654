// The --jq filter, run by jq-web (jq compiled to WebAssembly), loaded only when a filter is given.

import { UsageError } from '../errors.ts';
import jqLoader from './jq-loader.cjs';

interface JqModule {
  raw(input: string, filter: string, flags?: string[]): string;
}

interface JqError {
  exitCode?: number;
  stderr?: string;
  message?: string;
}

// jq-web has aborted with "memory access out of bounds" on inputs of a few hundred KB (upstream issues #36/#37).
export const JQ_MAX_INPUT_BYTES = 4 * 1024 * 1024;

let loaded: Promise<JqModule> | undefined;

// Loaded on first use, so jq's WebAssembly never slows down start-up.
function loadJq(): Promise<JqModule> {
  loaded ??= jqLoader.loadJqWeb();
  return loaded;
}

function describe(error: unknown): string {
  const jqError = error as JqError;
  return (jqError.stderr || jqError.message || String(error)).trim().split('\n')[0] ?? 'jq failed';
}

/** Rejects a filter that does not compile, before any request is sent. */
export async function validateJqFilter(filter: string): Promise<void> {
  const jq = await loadJq();
  try {
    jq.raw('null', filter, ['-c']);
  } catch (error) {
    if ((error as JqError).exitCode === 3) throw new UsageError(`invalid --jq filter: ${describe(error)}`);
  }
}

/** Runs the filter over the JSON document; each result is one line, strings printed raw as gh --jq does. */
export async function applyJq(document: unknown, filter: string): Promise<string> {
  const input = JSON.stringify(document);
  if (Buffer.byteLength(input) > JQ_MAX_INPUT_BYTES) {
    throw new UsageError(`output too large for --jq (${Buffer.byteLength(input)} bytes): use -o json and pipe it to jq`);
  }
  const jq = await loadJq();
  try {
    const output = jq.raw(input, filter, ['-r']);
    return output.endsWith('\n') || output.length === 0 ? output : `${output}\n`;
  } catch (error) {
    if (error instanceof WebAssembly.RuntimeError) throw new UsageError(`--jq crashed on this input (${error.message}): use -o json and pipe it to jq`);
    throw new UsageError(`--jq: ${describe(error)}`);
  }
}
