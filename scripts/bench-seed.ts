// What every benchmark stands on: seeding old TrainingJobs (adopted or not) on the real control plane, timing a
// process, and counting what is left.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { ACK_ANNOTATIONS, ACK_KINDS, SOURCES_ANNOTATION } from '../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../src/kube/client.ts';
import type { KubeObject } from '../src/kube/objects.ts';
import { NAMESPACE_TYPE } from '../test/support/cluster.ts';
import { oldTrainingJob, oldType } from '../test/support/scenario.ts';

export const TRAINING_JOB = oldType('TrainingJob');
const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-role';

export const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);

export async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: limit }, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/** The ACK TrainingJob as ACK leaves it after adoption (what the simulator writes), so cleanup may proceed. */
export function adoptedAckTrainingJob(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'sagemaker.services.k8s.aws/v1alpha1',
    kind: 'TrainingJob',
    metadata: {
      name, namespace,
      finalizers: ['finalizers.sagemaker.services.k8s.aws/TrainingJob'],
      labels: { 'app.kubernetes.io/managed-by': 'kubectl-sagemaker-migrate' },
      annotations: {
        [SOURCES_ANNOTATION]: `TrainingJob ${namespace}/${name}`,
        [ACK_ANNOTATIONS.adoptionPolicy]: 'adopt',
        [ACK_ANNOTATIONS.adoptionFields]: JSON.stringify({ trainingJobName: name }),
        [ACK_ANNOTATIONS.adopted]: 'true',
        [ACK_ANNOTATIONS.deletionPolicy]: 'retain',
        [ACK_ANNOTATIONS.readOnly]: 'true',
        [ACK_ANNOTATIONS.region]: 'us-east-2',
      },
    },
    spec: {
      trainingJobName: name, roleARN: ROLE,
      algorithmSpecification: { trainingImage: '433757028032.dkr.ecr.us-east-2.amazonaws.com/xgboost:1', trainingInputMode: 'File' },
      outputDataConfig: { s3OutputPath: 's3://ml-bucket/output' },
      resourceConfig: { instanceCount: 1, instanceType: 'ml.m4.xlarge', volumeSizeInGB: 5 },
      stoppingCondition: { maxRuntimeInSeconds: 86400 },
    },
  };
}

export interface SeededJob {
  namespace: string;
  name: string;
}

/** The status ACK writes on a finished TrainingJob it adopted (as recorded in shared/reference/ack-observed). */
export function adoptedAckTrainingJobStatus(name: string): Record<string, unknown> {
  const at = '2026-12-03T07:37:08Z';
  const message = 'TrainingJob is in Completed status.';
  return {
    ackResourceMetadata: { arn: `arn:aws:sagemaker:us-east-2:123456789012:training-job/${name}`, ownerAccountID: '123456789012', partition: 'aws', region: 'us-east-2' },
    conditions: [
      { lastTransitionTime: at, message, status: 'True', type: 'ACK.ResourceSynced' },
      { lastTransitionTime: at, message, status: 'True', type: 'Ready' },
    ],
    creationTime: '2026-12-03T07:26:28Z',
    lastModifiedTime: '2026-12-03T07:26:28Z',
    modelArtifacts: { s3ModelArtifacts: `s3://ml-bucket/output/${name}/output/model.tar.gz` },
    secondaryStatus: 'Completed',
    trainingJobStatus: 'Completed',
  };
}

/** An old TrainingJob as `kubectl apply` leaves it: the applied manifest is kept whole in an annotation. */
export function appliedOldTrainingJob(namespace: string, name: string): KubeObject {
  const object = oldTrainingJob(namespace, name, name);
  const applied = JSON.stringify({ ...object, metadata: { name, namespace } });
  return { ...object, metadata: { ...object.metadata, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${applied}\n` } } };
}

/**
 * Creates `count` old TrainingJobs spread over `namespaceCount` namespaces named `<prefix>-<n>`, each applied with
 * kubectl and finished in AWS (status written), and with `adopted` the ACK object ACK leaves after adopting it, with
 * the status ACK writes.
 */
export async function seed(client: KubeClient, prefix: string, count: number, namespaceCount: number, options: { adopted: boolean; status: boolean }): Promise<{ namespaces: string[]; jobs: SeededJob[] }> {
  const namespaces = Array.from({ length: namespaceCount }, (_, index) => `${prefix}-${index}`);
  for (const name of namespaces) await client.create(NAMESPACE_TYPE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // Each phase gets its own AWS names: the same name in the same region is the same AWS resource to the plan.
  const jobs = Array.from({ length: count }, (_, index) => ({ namespace: namespaces[index % namespaceCount]!, name: `${prefix}-job-${index}` }));
  let done = 0;
  await inParallel(jobs, 16, async ({ namespace, name }) => {
    await client.create(TRAINING_JOB, appliedOldTrainingJob(namespace, name));
    if (options.status) await client.patchStatus(TRAINING_JOB, name, namespace, { status: { trainingJobStatus: 'Completed', sageMakerTrainingJobName: name } });
    if (options.adopted) {
      await client.create(ACK_KINDS.TrainingJob, adoptedAckTrainingJob(namespace, name));
      await client.patchStatus(ACK_KINDS.TrainingJob, name, namespace, { status: adoptedAckTrainingJobStatus(name) });
    }
    if ((done += 1) % 10_000 === 0) log(`  seeded ${done} of ${count}`);
  });
  return { namespaces, jobs };
}

/** Removes the ACK objects seed() made for these jobs (finalizer first, as ACK would), so later runs do not see them. */
export async function removeAckObjects(client: KubeClient, jobs: SeededJob[]): Promise<void> {
  await inParallel(jobs, 16, async ({ namespace, name }) => {
    await client.mergePatch(ACK_KINDS.TrainingJob, name, namespace, { metadata: { finalizers: null } });
    await client.delete(ACK_KINDS.TrainingJob, name, namespace);
  });
}

/** Seconds the command took; throws with its stderr when it fails. */
export function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8', maxBuffer: 256 * 2 ** 20 });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr.slice(-2000)}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function remaining(client: KubeClient, namespaces: string[]): Promise<number> {
  let count = 0;
  for (const namespace of namespaces) count += (await client.listAll(TRAINING_JOB, { namespace })).length;
  return count;
}

/** The 1-minute load average: other work on the machine moves every figure, so each one is recorded with it. */
export function loadAverage(): string {
  return readFileSync('/proc/loadavg', 'utf8').split(' ')[0]!;
}

/** CPU seconds a process has used so far (user + system), from /proc. */
function cpuSecondsOf(pid: number): number {
  // The command name, in parentheses, may hold spaces: the fields counted here follow it.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/**
 * Waits until the API server and etcd have gone quiet (under a tenth of a core together over a quarter second, at
 * most 20 s), so that a timed run does not inherit the work of what came before it (the writes of seeding, the
 * other side's run): each timed side starts from the same idle control plane. Returns the seconds waited.
 */
export async function settle(pids: number[]): Promise<number> {
  const started = process.hrtime.bigint();
  const elapsed = (): number => Number(process.hrtime.bigint() - started) / 1e9;
  const used = (): number => pids.reduce((sum, pid) => sum + cpuSecondsOf(pid), 0);
  let before = used();
  while (elapsed() < 20) {
    await sleep(250);
    const now = used();
    if (now - before < 0.025) break;
    before = now;
  }
  return elapsed();
}
