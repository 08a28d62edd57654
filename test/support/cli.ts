// Runs the plugin the way users do: `kubectl sagemaker-migrate ...`, found by kubectl on PATH as
// kubectl-sagemaker_migrate: the bundled binary `npm test` builds first (SMM_TEST_BINARY), what users run; without
// it (ava run alone), the development launcher, which compiles the sources at each start (about 0.5 s of CPU
// against 0.1 s: over the hundreds of runs in the suite, a minute of its time).

import { spawn } from 'node:child_process';
import { mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

let pluginDirectory: string | undefined;

function pluginPath(): string {
  if (!pluginDirectory) {
    pluginDirectory = mkdtempSync(path.join(tmpdir(), 'smm-plugin-'));
    symlinkSync(process.env['SMM_TEST_BINARY'] ?? path.join(root, 'bin', 'kubectl-sagemaker_migrate.js'), path.join(pluginDirectory, 'kubectl-sagemaker_migrate'));
  }
  return pluginDirectory;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** True when the run outlived `killAfterMs` and was killed. */
  killed?: boolean;
}

export interface CliOptions {
  kubeconfig?: string;
  env?: Record<string, string>;
  stdin?: string;
  /** Kill a run that has not ended by then, instead of hanging the suite. */
  killAfterMs?: number;
}

function pluginEnvironment(options: CliOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${pluginPath()}${path.delimiter}${process.env['PATH'] ?? ''}`,
    NO_COLOR: '1',
    ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}),
    ...options.env,
  };
  delete env['FORCE_COLOR'];
  return env;
}

export function runPlugin(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env = pluginEnvironment(options);
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['sagemaker-migrate', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const deadline = options.killAfterMs === undefined ? undefined : setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, options.killAfterMs);
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      resolve({ code: code ?? -1, stdout, stderr, ...(killed ? { killed } : {}) });
    });
    child.stdin.end(options.stdin ?? '');
  });
}

/**
 * Runs the plugin on a pseudo-terminal (util-linux `script`), as a person at a shell would, and types `answer` once
 * the plugin asks its [y/N] question. The terminal merges stdout and stderr into `output`. `columns` sizes the
 * terminal; without it the terminal reports no width at all.
 */
export function runPluginOnTerminal(
  args: string[],
  answer: string,
  options: CliOptions & { columns?: number } = {},
): Promise<{ code: number; output: string; asked: boolean }> {
  // Not a CI console: the plugin decides on spinners from the terminal alone, the same on every machine.
  const { CI: _ci, ...env } = pluginEnvironment(options);
  const plugin = ['kubectl', 'sagemaker-migrate', ...args].map((word) => `'${word.replaceAll("'", "'\\''")}'`).join(' ');
  // `script` leaves the terminal unsized (0 columns) unless told.
  const command = options.columns ? `stty cols ${options.columns} rows 40; exec ${plugin}` : `exec ${plugin}`;
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['--quiet', '--return', '--command', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let output = '';
    let asked = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (!asked && output.includes('[y/N]')) {
        asked = true;
        child.stdin.write(`${answer}\r`);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    // A prompt that never comes, or never returns, ends the run instead of hanging the suite.
    const deadline = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(deadline);
      child.stdin.destroy();
      resolve({ code: code ?? -1, output, asked });
    });
  });
}
