// `npm run bench -- --scale` (not in CI): the plugin over 50,000 old TrainingJobs in 50 namespaces, all adopted, as
// on a platform that keeps finished jobs for years: time and peak RSS of `plan -A`, `status -A -o json` and
// `cleanup -A --yes`, and cleanup against the bare-writes floor on a second set of the same size.

import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient } from '../src/kube/client.ts';
import { BINARY } from '../test/support/environment.ts';
import { bareWrites } from './bench-floor.ts';
import { loadAverage, log, remaining, seed } from './bench-seed.ts';

export interface ScaleRun {
  seconds: number;
  peakMiB: number;
  load: string;
}

export interface ScaleFigures {
  count: number;
  namespaces: number;
  plan: ScaleRun;
  status: ScaleRun;
  cleanup: ScaleRun;
  bareSeconds: number;
}

/** Wall time and peak resident memory of one plugin run, from GNU time. */
function measured(args: string[], env: NodeJS.ProcessEnv): ScaleRun {
  const load = loadAverage();
  const result = spawnSync('/usr/bin/time', ['-f', '%e %M', BINARY, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const [seconds, kib] = result.stderr.trim().split('\n').pop()!.split(' ').map(Number) as [number, number];
  // status exits 6 when an adoption failed and plan may warn; only a crash or an API error counts as failure here.
  if (result.status !== 0 || !Number.isFinite(kib)) throw new Error(`${args.join(' ')} failed (${result.status}): ${result.stderr.slice(-2000)}`);
  log(`${args.slice(0, 2).join(' ')}: ${seconds}s, peak RSS ${(kib / 1024).toFixed(0)} MiB (load ${load})`);
  return { seconds, peakMiB: kib / 1024, load };
}

export async function measureScale(client: KubeClient, kubeConfig: KubeConfig, env: NodeJS.ProcessEnv, sizes: { count: number; namespaces: number; concurrency: number }): Promise<ScaleFigures> {
  log(`seeding ${sizes.count} adopted TrainingJobs in ${sizes.namespaces} namespaces, applied with kubectl and with the status ACK writes (four writes each)`);
  const cleanupSet = await seed(client, 'scale', sizes.count, sizes.namespaces, { adopted: true, status: true });
  const plan = measured(['plan', '-A'], env);
  const status = measured(['status', '-A', '-o', 'json'], env);

  log(`seeding ${sizes.count} more old TrainingJobs for the bare client`);
  const bareSet = await seed(client, 'scale-bare', sizes.count, sizes.namespaces, { adopted: false, status: true });
  const bareSeconds = await bareWrites(kubeConfig, bareSet.jobs, sizes.concurrency);
  if ((await remaining(client, bareSet.namespaces)) !== 0) throw new Error('the bare client left objects behind');
  log(`bare writes: ${bareSeconds.toFixed(1)}s`);

  const backups = mkdtempSync(path.join(tmpdir(), 'smm-bench-backup-'));
  const cleanup = measured(['cleanup', '--skip-aws-check', '-A', '--yes', '--concurrency', String(sizes.concurrency), '--backup-dir', backups], env);
  if ((await remaining(client, cleanupSet.namespaces)) !== 0) throw new Error('cleanup left objects behind');
  return { ...sizes, plan, status, cleanup, bareSeconds };
}
