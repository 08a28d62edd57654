// The floor that adopt is measured against: a bare in-process client that makes only the one create each ACK object
// needs (the very manifests adopt sends, with the same query), over keep-alive connections, no reads, no checks.
// Both run on freshly seeded sets of the same old objects, beside the same background of objects already adopted
// (adopt reads those too: its duplicate guard looks at every ACK object in the cluster). A second floor adds those
// reads: the bare client, as a process, first reads the cluster's old and ACK TrainingJobs whole, without parsing.

import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { WHOLE_LIST_AT_MOST, type KubeClient } from '../src/kube/client.ts';
import type { KubeObject } from '../src/kube/objects.ts';
import { ACK_KINDS } from '../src/core/model/ack-kinds.ts';
import { bareAgent, bareConnection, bareWrites, send } from './bench-floor.ts';
import { inParallel, loadAverage, log, removeAckObjects, seed, timed, type SeededJob } from './bench-seed.ts';
import { BINARY } from '../test/support/environment.ts';
import { runtimeBinary, runtimePackage } from './build.ts';

export interface AdoptFloorRound {
  bareSeconds: number;
  /** The same bare client started as a process of the plugin's Node runtime, start-up included (bench-bare-process.ts). */
  bareProcessSeconds: number;
  /** That process reading the old and the ACK objects of the whole cluster first, as adopt must, without parsing them. */
  bareReadingSeconds: number;
  adoptSeconds: number;
  ratio: number;
  processRatio: number;
  readingRatio: number;
  load: string;
}

const ADOPT_ARGS = ['adopt', '-A', '--kind', 'TrainingJob', '--method', 'annotation'];
const CREATE_QUERY = 'fieldManager=kubectl-sagemaker-migrate&fieldValidation=Strict';
const BARE_PROCESS = path.join(path.dirname(new URL(import.meta.url).pathname), 'bench-bare-process.ts');
/** The lists adopt's duplicate guard and plan need whole before the first create, each one page from the watch cache as adopt reads them. */
const GUARD_READS = [
  `/apis/sagemaker.aws.amazon.com/v1/trainingjobs?limit=${WHOLE_LIST_AT_MOST}`,
  `/apis/sagemaker.services.k8s.aws/v1alpha1/trainingjobs?limit=${WHOLE_LIST_AT_MOST}`,
];

/** Each manifest as the bare clients send it: the path adopt posts to, and the body. */
function createsOf(manifests: KubeObject[]): Array<{ path: string; body: string }> {
  return manifests.map((manifest) => ({
    path: `/apis/sagemaker.services.k8s.aws/v1alpha1/namespaces/${manifest.metadata.namespace!}/trainingjobs?${CREATE_QUERY}`,
    body: JSON.stringify(manifest),
  }));
}

/** The manifests adopt would create for what the cluster holds now, as `adopt --dry-run=client -o json` prints them. */
function manifestsOfDryRun(env: NodeJS.ProcessEnv): KubeObject[] {
  const result = spawnSync(BINARY, [...ADOPT_ARGS, '--dry-run=client', '-o', 'json'], { env, encoding: 'utf8', maxBuffer: 1024 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`adopt --dry-run=client failed: ${result.stderr.slice(-2000)}`);
  return (JSON.parse(result.stdout) as { items: KubeObject[] }).items;
}

/** Seconds for the bare client to create every manifest, one POST each. */
async function bareCreates(kubeConfig: KubeConfig, manifests: KubeObject[], concurrency: number): Promise<number> {
  const { server, agent, headers } = await bareAgent(kubeConfig, concurrency);
  const creates = createsOf(manifests);
  const started = process.hrtime.bigint();
  await inParallel(creates, concurrency, async ({ path: createAt, body }) => {
    const status = await send(server, agent, headers, 'POST', createAt, body, 'application/json');
    if (status !== 201) throw new Error(`bare create ${createAt}: ${status}`);
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  agent.destroy();
  return seconds;
}

/**
 * Seconds for the bare client started as a process of the plugin's Node runtime to create every manifest (after
 * reading `reads`, when given), from its start to its exit, timed as adopt is. Its input (credentials included) is
 * written untimed, readable by the owner only.
 */
async function bareCreatesAsProcess(kubeConfig: KubeConfig, manifests: KubeObject[], concurrency: number, env: NodeJS.ProcessEnv, reads: string[] = []): Promise<number> {
  const { server, tls, headers } = await bareConnection(kubeConfig);
  const pem = (value: unknown): string | undefined => (value === undefined ? undefined : String(value));
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-bench-bare-'));
  const inputPath = path.join(directory, 'input.json');
  try {
    const input = {
      server,
      ca: pem(tls.ca), cert: pem(tls.cert), key: pem(tls.key), headers, concurrency, reads,
      creates: createsOf(manifests),
    };
    writeFileSync(inputPath, JSON.stringify(input), { mode: 0o600 });
    return timed(runtimeBinary(runtimePackage()), [BARE_PROCESS, inputPath], env);
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function ackObjectsIn(client: KubeClient, namespaces: string[]): Promise<number> {
  let count = 0;
  for (const namespace of namespaces) count += (await client.listAll(ACK_KINDS.TrainingJob, { namespace })).length;
  return count;
}

/** Removes a set entirely (its ACK objects, then its old objects), untimed, so the next set starts from the background. */
async function removeSet(client: KubeClient, kubeConfig: KubeConfig, jobs: SeededJob[], concurrency: number): Promise<void> {
  await removeAckObjects(client, jobs);
  await bareWrites(kubeConfig, jobs, concurrency);
}

/** Seeds the objects already adopted that every round runs beside (once per bench run). */
export async function seedAdoptBackground(client: KubeClient, count: number, namespaces: number): Promise<void> {
  log(`seeding a background of ${count} adopted TrainingJobs (old object + ACK object each) in ${namespaces} namespaces`);
  await seed(client, 'adoptbg', count, namespaces, { adopted: true, status: true });
}

/**
 * One round: times the bare client creating the manifests adopt would create for `count` freshly seeded old jobs
 * (taken untimed from `adopt --dry-run=client`), in the bench's process, again started as a process of its own, and
 * once more as a process that first reads the whole cluster's old and ACK TrainingJobs (the reads adopt cannot
 * skip), and a plain `adopt` (no --wait) of another `count` at the same concurrency, checking that each side created
 * one ACK object per old object; each set is removed afterwards, untimed. The order of the sides turns by one each
 * round, so that none always follows another's removals; each side starts once the control plane is quiet
 * (`quiet`), not while it still works off the seeding.
 */
export async function adoptFloorRound(client: KubeClient, kubeConfig: KubeConfig, env: NodeJS.ProcessEnv, sizes: { count: number; namespaces: number; concurrency: number }, round: number, quiet: () => Promise<number>): Promise<AdoptFloorRound> {
  const prefix = `adopt${round}`;
  const load = loadAverage();
  const timeBare = (side: 'bare' | 'bare-process' | 'bare-reading') => async (): Promise<number> => {
    log(`round ${round}: seeding ${sizes.count} old TrainingJobs in ${sizes.namespaces} namespaces for the ${side} client`);
    const bareSet = await seed(client, `${prefix}-${side}`, sizes.count, sizes.namespaces, { adopted: false, status: true });
    const manifests = manifestsOfDryRun(env);
    if (manifests.length !== sizes.count) throw new Error(`adopt --dry-run=client made ${manifests.length} manifests for ${sizes.count} old objects`);
    log(`round ${round}: control plane quiet after ${(await quiet()).toFixed(1)}s`);
    const seconds = side === 'bare'
      ? await bareCreates(kubeConfig, manifests, sizes.concurrency)
      : await bareCreatesAsProcess(kubeConfig, manifests, sizes.concurrency, env, side === 'bare-reading' ? GUARD_READS : []);
    if ((await ackObjectsIn(client, bareSet.namespaces)) !== sizes.count) throw new Error(`the ${side} client did not create every ACK object`);
    await removeSet(client, kubeConfig, bareSet.jobs, sizes.concurrency);
    return seconds;
  };
  const timeAdopt = async (): Promise<number> => {
    log(`round ${round}: seeding ${sizes.count} old TrainingJobs for adopt`);
    const adoptSet = await seed(client, `${prefix}-adopt`, sizes.count, sizes.namespaces, { adopted: false, status: true });
    log(`round ${round}: control plane quiet after ${(await quiet()).toFixed(1)}s`);
    const seconds = timed(BINARY, [...ADOPT_ARGS, '--concurrency', String(sizes.concurrency)], env);
    if ((await ackObjectsIn(client, adoptSet.namespaces)) !== sizes.count) throw new Error('adopt did not create every ACK object');
    await removeSet(client, kubeConfig, adoptSet.jobs, sizes.concurrency);
    return seconds;
  };
  const sides = [timeBare('bare'), timeAdopt, timeBare('bare-process'), timeBare('bare-reading')];
  const seconds: number[] = [];
  for (let step = 0; step < sides.length; step += 1) {
    const index = (step + round - 1) % sides.length;
    seconds[index] = await sides[index]!();
  }
  const [bareSeconds, adoptSeconds, bareProcessSeconds, bareReadingSeconds] = seconds as [number, number, number, number];
  const ratio = adoptSeconds / bareSeconds;
  const processRatio = adoptSeconds / bareProcessSeconds;
  const readingRatio = adoptSeconds / bareReadingSeconds;
  log(`round ${round}: bare creates ${bareSeconds.toFixed(2)}s, as a process ${bareProcessSeconds.toFixed(2)}s, reading first ${bareReadingSeconds.toFixed(2)}s, adopt ${adoptSeconds.toFixed(2)}s: ${ratio.toFixed(2)}x, ${processRatio.toFixed(2)}x, ${readingRatio.toFixed(2)}x (load ${load})`);
  return { bareSeconds, bareProcessSeconds, bareReadingSeconds, adoptSeconds, ratio, processRatio, readingRatio, load };
}

export interface AdoptScaleFigures {
  count: number;
  namespaces: number;
  dryRun: { seconds: number; firstDocumentSeconds: number; documents: number; peakMiB: number; load: string };
  adopt: { seconds: number; peakMiB: number; load: string };
}

/** Wall time, time to the first byte on stdout, the documents read, and the peak RSS (GNU time) of one run. */
function streamed(args: string[], env: NodeJS.ProcessEnv): Promise<AdoptScaleFigures['dryRun']> {
  const load = loadAverage();
  const timeFile = path.join(mkdtempSync(path.join(tmpdir(), 'smm-bench-time-')), 'time');
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const child = spawn('/usr/bin/time', ['-o', timeFile, '-f', '%M', BINARY, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let firstDocumentSeconds: number | undefined;
    let documents = 0;
    let tail = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      firstDocumentSeconds ??= seconds();
      // Whole lines only: a separator split across two chunks is counted once, with the second.
      const text = tail + chunk.toString('utf8');
      const complete = text.lastIndexOf('\n') + 1;
      documents += (text.slice(0, complete).match(/^---$/gm) ?? []).length;
      tail = text.slice(complete);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`${args.join(' ')} failed (${code}): ${stderr.slice(-2000)}`));
      const peakMiB = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) / 1024;
      resolve({ seconds: seconds(), firstDocumentSeconds: firstDocumentSeconds ?? seconds(), documents, peakMiB, load });
    });
  });
}

/**
 * `npm run bench -- --scale`: adopt over `count` old TrainingJobs, none adopted yet: `adopt -A --dry-run=client -o
 * yaml` (time to the first document, peak RSS) and a plain `adopt -A` creating every ACK object (time, peak RSS).
 */
export async function measureAdoptScale(client: KubeClient, env: NodeJS.ProcessEnv, sizes: { count: number; namespaces: number; concurrency: number }): Promise<AdoptScaleFigures> {
  log(`seeding ${sizes.count} old TrainingJobs to adopt in ${sizes.namespaces} namespaces`);
  const set = await seed(client, 'scale-adopt', sizes.count, sizes.namespaces, { adopted: false, status: true });
  const dryRun = streamed([...ADOPT_ARGS, '--dry-run=client', '-o', 'yaml'], env);
  const printed = await dryRun;
  if (printed.documents < sizes.count) throw new Error(`adopt --dry-run=client printed ${printed.documents} documents for ${sizes.count} old objects`);
  log(`adopt -A --dry-run=client -o yaml: ${printed.seconds.toFixed(1)}s, first document after ${printed.firstDocumentSeconds.toFixed(1)}s, peak RSS ${printed.peakMiB.toFixed(0)} MiB (load ${printed.load})`);
  const load = loadAverage();
  const timeFile = path.join(mkdtempSync(path.join(tmpdir(), 'smm-bench-time-')), 'time');
  const seconds = timed('/usr/bin/time', ['-o', timeFile, '-f', '%M', BINARY, ...ADOPT_ARGS, '--concurrency', String(sizes.concurrency)], env);
  const peakMiB = Number(readFileSync(timeFile, 'utf8').trim().split('\n').pop()) / 1024;
  if ((await ackObjectsIn(client, set.namespaces)) < sizes.count) throw new Error('adopt -A did not create every ACK object');
  log(`adopt -A: ${seconds.toFixed(1)}s, peak RSS ${peakMiB.toFixed(0)} MiB (load ${load})`);
  return { ...sizes, dryRun: printed, adopt: { seconds, peakMiB, load } };
}
