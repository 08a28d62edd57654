// `npm run bench [-- --quick]`: performance figures on the real control plane, measured, never asserted.
//   1. cleanup: AWS's documented kubectl/jq loop vs `kubectl sagemaker-migrate cleanup --yes`, same objects, reseeded
//   2. adopt --wait with the ADOPTION SIMULATOR (simulated AWS + ACK): time and the plugin's requests per object
//   3. start-up: `--help` of the bundled binary vs `kubectl version --client`, medians
//   4. peak RSS of `status -A -o json` over many objects
// The full run writes docs/benchmarks.md; the last line is always `cleanup speedup vs documented loop: X`.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import { ACK_ANNOTATIONS, ACK_KINDS } from '../src/core/ack-kinds.ts';
import { KubeClient } from '../src/kube/client.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import type { KubeObject } from '../src/kube/objects.ts';
import { AdoptionSimulator, type SimulatedAwsResource } from '../test/support/ack-simulator.ts';
import { NAMESPACE_TYPE } from '../test/support/cluster.ts';
import { BINARY, ROOT, prepareAssets, startEnvironment } from '../test/support/environment.ts';
import { oldTrainingJob, oldType } from '../test/support/scenario.ts';

const quick = process.argv.includes('--quick');
const sizes = quick
  ? { cleanup: 200, cleanupNamespaces: 4, adopt: 50, rss: 1000, startupRuns: 5 }
  : { cleanup: 2000, cleanupNamespaces: 20, adopt: 500, rss: 10_000, startupRuns: 11 };
const log = (message: string): void => void process.stderr.write(`bench: ${message}\n`);
const TRAINING_JOB = oldType('TrainingJob');
const ANALYSIS_MARKER = '<!-- analysis: kept across runs -->';
const ROLE = 'arn:aws:iam::123456789012:role/sagemaker-role';

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all(Array.from({ length: limit }, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item);
  }));
}

/** The ACK TrainingJob as ACK leaves it after adoption (what the simulator writes), so cleanup may proceed. */
function adoptedAckTrainingJob(namespace: string, name: string): KubeObject {
  return {
    apiVersion: 'sagemaker.services.k8s.aws/v1alpha1',
    kind: 'TrainingJob',
    metadata: {
      name, namespace,
      finalizers: ['finalizers.sagemaker.services.k8s.aws/TrainingJob'],
      labels: { 'app.kubernetes.io/managed-by': 'kubectl-sagemaker-migrate' },
      annotations: {
        [ACK_ANNOTATIONS.adoptionPolicy]: 'adopt',
        [ACK_ANNOTATIONS.adoptionFields]: JSON.stringify({ trainingJobName: name }),
        [ACK_ANNOTATIONS.adopted]: 'true',
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

async function seed(client: KubeClient, prefix: string, count: number, namespaceCount: number, options: { adopted: boolean; status: boolean }): Promise<string[]> {
  const namespaces = Array.from({ length: namespaceCount }, (_, index) => `${prefix}-${index}`);
  for (const name of namespaces) await client.create(NAMESPACE_TYPE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  // Each phase gets its own AWS names: the same name in the same region is the same AWS resource to the plan.
  const jobs = Array.from({ length: count }, (_, index) => ({ namespace: namespaces[index % namespaceCount]!, name: `${prefix}-job-${index}` }));
  await inParallel(jobs, 16, async ({ namespace, name }) => {
    await client.create(TRAINING_JOB, oldTrainingJob(namespace, name, name));
    if (options.status) await client.patchStatus(TRAINING_JOB, name, namespace, { status: { trainingJobStatus: 'Completed', sageMakerTrainingJobName: name } });
    if (options.adopted) await client.create(ACK_KINDS.TrainingJob, adoptedAckTrainingJob(namespace, name));
  });
  return namespaces;
}

function timed(command: string, args: string[], env: NodeJS.ProcessEnv): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return Number(process.hrtime.bigint() - started) / 1e9;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

async function remaining(client: KubeClient, namespaces: string[]): Promise<number> {
  let count = 0;
  for (const namespace of namespaces) count += (await client.listAll(TRAINING_JOB, { namespace })).length;
  return count;
}

async function main(): Promise<void> {
  if (!existsSync('/usr/bin/jq')) throw new Error('the documented loop needs jq: apt-get install -y jq');
  const controlPlane = await startEnvironment(prepareAssets(log), 'current', log);
  const results: Record<string, string> = {};
  try {
    const client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }).kubeConfig, { maxSockets: 32 });
    const env = { ...process.env, KUBECONFIG: controlPlane.kubeconfigPath, NO_COLOR: '1', HOME: mkdtempSync(path.join(tmpdir(), 'smm-bench-home-')) };

    // 1. cleanup, same objects for both, reseeded between them
    log(`seeding ${sizes.cleanup} adopted TrainingJobs in ${sizes.cleanupNamespaces} namespaces for the documented loop`);
    const loopNamespaces = await seed(client, 'loop', sizes.cleanup, sizes.cleanupNamespaces, { adopted: true, status: true });
    const loopSeconds = timed('bash', [path.join(ROOT, 'scripts', 'bench', 'documented-loop.sh'), ...loopNamespaces], env);
    if ((await remaining(client, loopNamespaces)) !== 0) throw new Error('the documented loop left objects behind');
    log(`documented loop: ${loopSeconds.toFixed(1)}s`);
    log(`seeding ${sizes.cleanup} adopted TrainingJobs again for the plugin`);
    const pluginNamespaces = await seed(client, 'plugin', sizes.cleanup, sizes.cleanupNamespaces, { adopted: true, status: true });
    const backups = mkdtempSync(path.join(tmpdir(), 'smm-bench-backup-'));
    const pluginSeconds = timed(BINARY, ['cleanup', '-A', '--yes', '--kind', 'TrainingJob', '--backup-dir', backups], env);
    if ((await remaining(client, pluginNamespaces)) !== 0) throw new Error('the plugin left objects behind');
    const speedup = loopSeconds / pluginSeconds;
    log(`plugin cleanup: ${pluginSeconds.toFixed(1)}s (with a backup of every object)`);
    results['cleanup'] = `${sizes.cleanup} TrainingJobs in ${sizes.cleanupNamespaces} namespaces: documented loop ${loopSeconds.toFixed(1)}s, plugin ${pluginSeconds.toFixed(1)}s, speedup ${speedup.toFixed(1)}x`;

    // 2. adopt --wait with the simulator
    log(`seeding ${sizes.adopt} TrainingJobs to adopt`);
    const adoptNamespaces = await seed(client, 'adopt', sizes.adopt, 5, { adopted: false, status: true });
    const aws: SimulatedAwsResource[] = Array.from({ length: sizes.adopt }, (_, index) => ({
      group: 'sagemaker.services.k8s.aws', kind: 'TrainingJob', region: 'us-east-2',
      identifiers: { trainingJobName: `adopt-job-${index}` },
      spec: adoptedAckTrainingJob('x', `adopt-job-${index}`).spec!,
      status: { trainingJobStatus: 'Completed' },
    }));
    const simulatorClient = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }).kubeConfig, { maxSockets: 32 });
    const simulator = new AdoptionSimulator(simulatorClient, aws, { namespaces: adoptNamespaces, serves: { annotation: true, adoptedResource: false } });
    simulator.start();
    const adoptStarted = process.hrtime.bigint();
    const adopt = await new Promise<{ code: number; stderr: string }>((resolve) => {
      const child = spawn(BINARY, ['adopt', '-A', '--kind', 'TrainingJob', '--wait', '--timeout', '10m', '-v'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.on('close', (code) => resolve({ code: code ?? -1, stderr }));
    });
    const adoptSeconds = Number(process.hrtime.bigint() - adoptStarted) / 1e9;
    await simulator.stop();
    simulatorClient.close();
    if (adopt.code !== 0) throw new Error(`adopt failed: ${adopt.stderr.slice(-500)}`);
    const requests = adopt.stderr.split('\n').filter((line) => /^(GET|POST|PATCH|DELETE|PUT) https?:\/\//.test(line)).length;
    results['adopt'] = `${sizes.adopt} TrainingJobs adopted with --wait in ${adoptSeconds.toFixed(1)}s (simulated controller), ${requests} plugin requests = ${(requests / sizes.adopt).toFixed(2)} per object (watches count once)`;
    log(results['adopt']);

    // 3. start-up
    const pluginStart = median(Array.from({ length: sizes.startupRuns }, () => timed(BINARY, ['--help'], env)));
    const kubectlStart = median(Array.from({ length: sizes.startupRuns }, () => timed('kubectl', ['version', '--client'], env)));
    results['startup'] = `--help median ${(pluginStart * 1000).toFixed(0)}ms vs kubectl version --client ${(kubectlStart * 1000).toFixed(0)}ms: ${(pluginStart / kubectlStart).toFixed(2)}x`;
    log(results['startup']);

    // 4. peak RSS of status over many objects
    log(`seeding ${sizes.rss} TrainingJobs for status`);
    await seed(client, 'rss', sizes.rss, 20, { adopted: false, status: true });
    const time = spawnSync('/usr/bin/time', ['-f', '%M', BINARY, 'status', '-A', '-o', 'json'], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    const peakKiB = Number(time.stderr.trim().split('\n').pop());
    results['rss'] = `status -A -o json over ${sizes.rss} old objects: peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`;
    log(results['rss']);
    client.close();

    if (!quick) writeReport(results);
    process.stdout.write(`${Object.values(results).join('\n')}\ncleanup speedup vs documented loop: ${speedup.toFixed(1)}\n`);
  } finally {
    await controlPlane.stop();
  }
}

function writeReport(results: Record<string, string>): void {
  const kubeApiserver = execFileSync('bash', [path.join(ROOT, 'scripts', 'envtest-assets.sh')], { encoding: 'utf8' }).trim();
  const serverVersion = readFileSync(path.join(kubeApiserver, 'READY'), 'utf8').trim().replace(/\n/g, ', ');
  const kubectl = execFileSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).split('\n')[0];
  const lines = [
    '# Benchmarks',
    '',
    `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${Math.round(totalmem() / 2 ** 30)} GiB,`,
    `Node ${process.version} running the tools, plugin binary with Node 24 inside; ${serverVersion}; ${kubectl}.`,
    '',
    '| measure | result |',
    '|---|---|',
    ...Object.entries(results).map(([name, value]) => `| ${name} | ${value} |`),
    '',
  ];
  // The analysis below the marker is written by people; each run replaces only the figures above it.
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const analysis = previous.includes(ANALYSIS_MARKER) ? previous.slice(previous.indexOf(ANALYSIS_MARKER)) : `${ANALYSIS_MARKER}\n`;
  writeFileSync(file, `${lines.join('\n')}\n${analysis}`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
