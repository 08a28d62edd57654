// Runs the plugin the way users do: `kubectl sagemaker-migrate ...`, found by kubectl on PATH as
// kubectl-sagemaker_migrate (here the development launcher; the release tests use the bundled binary).

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
    symlinkSync(path.join(root, 'bin', 'kubectl-sagemaker_migrate.js'), path.join(pluginDirectory, 'kubectl-sagemaker_migrate'));
  }
  return pluginDirectory;
}

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  kubeconfig?: string;
  env?: Record<string, string>;
  stdin?: string;
}

export function runPlugin(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: `${pluginPath()}${path.delimiter}${process.env['PATH'] ?? ''}`,
    NO_COLOR: '1',
    ...(options.kubeconfig ? { KUBECONFIG: options.kubeconfig } : {}),
    ...options.env,
  };
  delete env['FORCE_COLOR'];
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['sagemaker-migrate', ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.stdin ?? '');
  });
}
