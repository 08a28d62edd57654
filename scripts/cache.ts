// Where builds keep what they fetch or compile once (Node runtimes, signing tools): outside the repository.

import { homedir } from 'node:os';
import path from 'node:path';

export function cachePath(...parts: string[]): string {
  const base = process.env['SAGEMAKER_MIGRATE_CACHE'] ?? path.join(process.env['XDG_CACHE_HOME'] ?? path.join(homedir(), '.cache'), 'kubectl-sagemaker-migrate');
  return path.join(base, ...parts);
}
