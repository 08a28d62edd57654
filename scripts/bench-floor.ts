// The floor that cleanup is measured against: a bare in-process client that makes only the two writes each old
// object needs (merge patch dropping the finalizers, then delete), over keep-alive connections, no reads, no
// backups, no guards. Both it and `cleanup --yes` run on freshly seeded sets of the same old objects on the same API
// server (see floorRound for the one difference: ACK objects).

import https from 'node:https';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import type { KubeClient } from '../src/kube/client.ts';
import { inParallel, loadAverage, log, remaining, removeAckObjects, seed, timed, type SeededJob } from './bench-seed.ts';
import { BINARY } from '../test/support/environment.ts';

export interface FloorRound {
  bareSeconds: number;
  cleanupSeconds: number;
  ratio: number;
  load: string;
}

/** What the bare clients connect with: the kubeconfig's API server address, TLS material and auth headers. */
export async function bareConnection(kubeConfig: KubeConfig): Promise<{ server: string; tls: Pick<https.RequestOptions, 'ca' | 'cert' | 'key'>; headers: Record<string, string> }> {
  const options: https.RequestOptions = {};
  await kubeConfig.applyToHTTPSOptions(options);
  const headers: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.headers ?? {})) if (typeof value === 'string') headers[key] = value;
  const server = kubeConfig.getCurrentCluster()!.server.replace(/\/+$/, '');
  return { server, tls: { ca: options.ca, cert: options.cert, key: options.key }, headers };
}

export async function bareAgent(kubeConfig: KubeConfig, concurrency: number): Promise<{ server: string; agent: https.Agent; headers: Record<string, string> }> {
  const { server, tls, headers } = await bareConnection(kubeConfig);
  return { server, agent: new https.Agent({ keepAlive: true, maxSockets: concurrency, ...tls }), headers };
}

export function send(server: string, agent: https.Agent, headers: Record<string, string>, method: string, urlPath: string, body: string, contentType: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = https.request(`${server}${urlPath}`, {
      method, agent,
      headers: { ...headers, Accept: 'application/json', 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) },
    }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode ?? 0));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/** Seconds for the bare client to remove every job: per object one finalizer patch, then one delete. */
export async function bareWrites(kubeConfig: KubeConfig, jobs: SeededJob[], concurrency: number): Promise<number> {
  const { server, agent, headers } = await bareAgent(kubeConfig, concurrency);
  const started = process.hrtime.bigint();
  await inParallel(jobs, concurrency, async ({ namespace, name }) => {
    const objectPath = `/apis/sagemaker.aws.amazon.com/v1/namespaces/${namespace}/trainingjobs/${name}`;
    const patched = await send(server, agent, headers, 'PATCH', objectPath, '{"metadata":{"finalizers":null}}', 'application/merge-patch+json');
    const deleted = await send(server, agent, headers, 'DELETE', objectPath, '{}', 'application/json');
    if (patched !== 200 || deleted !== 200) throw new Error(`bare writes on ${namespace}/${name}: patch ${patched}, delete ${deleted}`);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return seconds;
}

/**
 * One round: times the bare client on `count` old jobs, then seeds `count` adopted jobs (each with its ACK object) and
 * times `cleanup --yes` at the same concurrency. The bare client's set has no ACK objects: it never reads them, and
 * cleanup then finds the cluster a user would have, one ACK object per old object, none left over from another set
 * (each round removes its ACK objects afterwards, untimed). Each side starts once the control plane is quiet.
 */
export async function floorRound(client: KubeClient, kubeConfig: KubeConfig, env: NodeJS.ProcessEnv, sizes: { count: number; namespaces: number; concurrency: number }, round: number, quiet: () => Promise<number>): Promise<FloorRound> {
  const prefix = `floor${round}`;
  log(`round ${round}: seeding ${sizes.count} old TrainingJobs in ${sizes.namespaces} namespaces for the bare client`);
  const bareSet = await seed(client, `${prefix}-bare`, sizes.count, sizes.namespaces, { adopted: false, status: true });
  log(`round ${round}: control plane quiet after ${(await quiet()).toFixed(1)}s`);
  const load = loadAverage();
  const bareSeconds = await bareWrites(kubeConfig, bareSet.jobs, sizes.concurrency);
  if ((await remaining(client, bareSet.namespaces)) !== 0) throw new Error('the bare client left objects behind');

  log(`round ${round}: seeding ${sizes.count} adopted TrainingJobs for cleanup`);
  const cleanupSet = await seed(client, `${prefix}-cleanup`, sizes.count, sizes.namespaces, { adopted: true, status: true });
  const backups = mkdtempSync(path.join(tmpdir(), 'smm-bench-backup-'));
  log(`round ${round}: control plane quiet after ${(await quiet()).toFixed(1)}s`);
  const cleanupSeconds = timed(BINARY, ['cleanup', '--skip-aws-check', '-A', '--yes', '--kind', 'TrainingJob', '--concurrency', String(sizes.concurrency), '--backup-dir', backups], env);
  if ((await remaining(client, cleanupSet.namespaces)) !== 0) throw new Error('cleanup left objects behind');
  await removeAckObjects(client, cleanupSet.jobs);
  const ratio = cleanupSeconds / bareSeconds;
  log(`round ${round}: bare writes ${bareSeconds.toFixed(2)}s, cleanup --yes ${cleanupSeconds.toFixed(2)}s: ${ratio.toFixed(2)}x (load ${load})`);
  return { bareSeconds, cleanupSeconds, ratio, load };
}
