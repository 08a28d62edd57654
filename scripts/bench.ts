// `npm run bench [-- --quick | --floor | --scale | --startup | --core]`: performance figures on the real control plane,
// measured, never asserted. Without a mode:
//   1. cleanup: AWS's documented kubectl/jq loop vs `kubectl sagemaker-migrate cleanup --yes`, same objects, reseeded
//   2. adopt --wait with the ADOPTION SIMULATOR (simulated AWS + ACK): time and the plugin's requests per object
//   3. start-up: `--help` and `version --client` of the bundled binary vs `kubectl version --client`, medians
//   4. peak RSS of `status -A -o json` over many objects
// and the last line is `cleanup speedup vs documented loop: X`. `--floor` times cleanup against a bare client making
// only the two writes per object (last line `cleanup vs bare-writes floor: X`); `--scale` runs plan, status and
// cleanup over 50,000 objects; `--startup` measures only start-up, without a control plane, and ends with the two
// start-up ratios; `--core` times each command's decisions over one namespace of 5,000 and of 50,000 objects, without
// a control plane. Every mode but --quick updates its rows of docs/benchmarks.md.

import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, tmpdir } from 'node:os';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../src/kube/client.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { AdoptionSimulator, type SimulatedAwsResource } from '../test/support/ack-simulator.ts';
import { BINARY, ROOT, prepareAssets, startEnvironment } from '../test/support/environment.ts';
import { adoptFloorRound, measureAdoptScale, seedAdoptBackground, type AdoptFloorRound } from './bench-adopt.ts';
import { RUNTIME_NODE_VERSION } from './build.ts';
import { floorRound } from './bench-floor.ts';
import { measureScale, type ScaleRun } from './bench-scale.ts';
import { adoptedAckTrainingJob, loadAverage, log, remaining, seed, settle, timed } from './bench-seed.ts';
import { describeCore } from './bench-core.ts';
import { describeStartup, measureStartup } from './bench-startup.ts';

const quick = process.argv.includes('--quick');
const mode = process.argv.includes('--floor') ? 'floor' : process.argv.includes('--scale') ? 'scale' : process.argv.includes('--startup') ? 'startup' : process.argv.includes('--core') ? 'core' : 'suite';
const sizes = quick
  ? { cleanup: 200, cleanupNamespaces: 4, adopt: 50, rss: 1000, startupRuns: 5 }
  : { cleanup: 2000, cleanupNamespaces: 20, adopt: 500, rss: 10_000, startupRuns: 15 };
/** Bounded by --concurrency in cleanup and by the bare client alike, as in the outside measurement. */
const FLOOR_CONCURRENCY = 16;
const ANALYSIS_MARKER = '<!-- analysis: kept across runs -->';

/** The figures of one mode, by measure, and the line it ends with. */
interface Outcome {
  results: Record<string, string>;
  lastLine: string;
}

async function main(): Promise<void> {
  if (mode === 'startup') return startupAlone();
  if (mode === 'core') return coreAlone();
  if (mode === 'suite' && !existsSync('/usr/bin/jq')) throw new Error('the documented loop needs jq: apt-get install -y jq');
  const controlPlane = await startEnvironment(prepareAssets(log), 'current', log);
  try {
    const kubeConfig = loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }).kubeConfig;
    const client = new KubeClient(kubeConfig, { maxSockets: 32 });
    const env = { ...process.env, KUBECONFIG: controlPlane.kubeconfigPath, NO_COLOR: '1', HOME: mkdtempSync(path.join(tmpdir(), 'smm-bench-home-')) };
    const outcome = mode === 'floor'
      ? await floor(client, kubeConfig, env, () => settle([controlPlane.apiServerPid, controlPlane.etcdPid]))
      : mode === 'scale' ? await scale(client, kubeConfig, env) : await suite(client, kubeConfig, env);
    client.close();
    if (!quick) writeReport(outcome.results);
    process.stdout.write(`${Object.values(outcome.results).join('\n')}\n${outcome.lastLine}\n`);
  } finally {
    await controlPlane.stop();
  }
}

/**
 * Rounds of bare writes and cleanup on fresh sets; the ratio of each round is taken in one go, so other work on the
 * machine moves both of its times, and the median round is reported.
 */
async function floor(client: KubeClient, kubeConfig: KubeConfig, env: NodeJS.ProcessEnv, quiet: () => Promise<number>): Promise<Outcome> {
  const count = quick ? 200 : 2000;
  const namespaces = quick ? 4 : 20;
  const roundCount = Number(process.argv.find((argument) => argument.startsWith('--rounds='))?.slice('--rounds='.length) ?? (quick ? 1 : 3));
  const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);
  const sizesOf = { count, namespaces, concurrency: FLOOR_CONCURRENCY };
  const results: Record<string, string> = {};
  const lastLines: string[] = [];
  const medianOf = <T extends { ratio: number }>(rounds: T[]): T => [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)]!;
  if (only !== 'adopt') {
    const rounds = [];
    for (let round = 1; round <= roundCount; round += 1) rounds.push(await floorRound(client, kubeConfig, env, sizesOf, round, quiet));
    const middle = medianOf(rounds);
    const each = rounds.map((round) => `${round.bareSeconds.toFixed(2)}s / ${round.cleanupSeconds.toFixed(2)}s = ${round.ratio.toFixed(2)} (load ${round.load})`).join(', ');
    results['floor'] = `${count} adopted TrainingJobs in ${namespaces} namespaces, ${FLOOR_CONCURRENCY} in flight, bare writes (patch + delete) / cleanup --yes per round: ${each}; median ${middle.ratio.toFixed(2)}x the floor`;
    lastLines.push(`cleanup vs bare-writes floor: ${middle.ratio.toFixed(2)}`);
  }
  if (only !== 'cleanup') {
    await seedAdoptBackground(client, count, namespaces);
    const rounds: AdoptFloorRound[] = [];
    for (let round = 1; round <= roundCount; round += 1) rounds.push(await adoptFloorRound(client, kubeConfig, env, sizesOf, round, quiet));
    const middle = medianOf(rounds);
    const medianRatio = (ratioOf: (round: AdoptFloorRound) => number): number => medianOf(rounds.map((round) => ({ ratio: ratioOf(round) }))).ratio;
    const middleAsProcess = medianRatio((round) => round.processRatio);
    const middleReading = medianRatio((round) => round.readingRatio);
    // The reading bare process against the bare creates: what the reads alone cost, before anything adopt does.
    const middleReadsAlone = medianRatio((round) => round.bareReadingSeconds / round.bareSeconds);
    const each = rounds.map((round) => `${round.bareSeconds.toFixed(2)}s / ${round.bareProcessSeconds.toFixed(2)}s / ${round.bareReadingSeconds.toFixed(2)}s / ${round.adoptSeconds.toFixed(2)}s = ${round.ratio.toFixed(2)}, ${round.processRatio.toFixed(2)}, ${round.readingRatio.toFixed(2)} (load ${round.load})`).join('; ');
    results['adopt floor'] = `${count} old TrainingJobs in ${namespaces} namespaces beside ${count} already adopted, ${FLOOR_CONCURRENCY} in flight, bare creates in the bench's process / the same started as a process (Node ${RUNTIME_NODE_VERSION.split('.')[0]}) / that process reading the cluster's old and ACK TrainingJobs first / adopt per round: ${each}; medians ${middle.ratio.toFixed(2)}x, ${middleAsProcess.toFixed(2)}x and ${middleReading.toFixed(2)}x the floor; the reading process alone ${middleReadsAlone.toFixed(2)}x the bare creates`;
    lastLines.push(`adopt vs bare-creates floor: ${middle.ratio.toFixed(2)}`);
    lastLines.push(`adopt vs bare-creates floor, bare client started as a process: ${middleAsProcess.toFixed(2)}`);
    lastLines.push(`adopt vs bare reads-then-creates floor (the lists adopt must read, as a process): ${middleReading.toFixed(2)}`);
    lastLines.push(`bare reads-then-creates vs bare-creates floor (what the reads alone cost, before adopt's own work): ${middleReadsAlone.toFixed(2)}`);
  }
  return { results, lastLine: lastLines.join('\n') };
}

async function scale(client: KubeClient, kubeConfig: KubeConfig, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const only = process.argv.find((argument) => argument.startsWith('--only='))?.slice('--only='.length);
  const sizesOf = { count: quick ? 5000 : 50_000, namespaces: 50, concurrency: FLOOR_CONCURRENCY };
  const results: Record<string, string> = {};
  const lastLines: string[] = [];
  const run = (name: string, figure: ScaleRun): string => `${name} ${figure.seconds.toFixed(1)}s, peak RSS ${figure.peakMiB.toFixed(0)} MiB (load ${figure.load})`;
  if (only !== 'adopt') {
    const figures = await measureScale(client, kubeConfig, env, sizesOf);
    const ratio = (figures.cleanup.seconds / figures.bareSeconds).toFixed(2);
    results['scale'] = `${figures.count} adopted TrainingJobs in ${figures.namespaces} namespaces: ${run('plan -A', figures.plan)}; ${run('status -A -o json', figures.status)}; ${run('cleanup -A --yes', figures.cleanup)}`;
    results['scale floor'] = `the same ${figures.count}, ${FLOOR_CONCURRENCY} in flight: bare writes ${figures.bareSeconds.toFixed(1)}s, cleanup ${figures.cleanup.seconds.toFixed(1)}s: ${ratio}x the floor`;
    lastLines.push(`cleanup vs bare-writes floor at ${figures.count}: ${ratio}`);
  }
  if (only !== 'cleanup') {
    const figures = await measureAdoptScale(client, env, sizesOf);
    const dryRun = figures.dryRun;
    results['adopt scale'] = `${figures.count} old TrainingJobs in ${figures.namespaces} namespaces: adopt -A --dry-run=client -o yaml ${dryRun.seconds.toFixed(1)}s, first document after ${dryRun.firstDocumentSeconds.toFixed(1)}s, peak RSS ${dryRun.peakMiB.toFixed(0)} MiB (load ${dryRun.load}); ${run('adopt -A', figures.adopt)}`;
    lastLines.push(`adopt -A peak RSS at ${figures.count}: ${figures.adopt.peakMiB.toFixed(0)} MiB (dry run ${dryRun.peakMiB.toFixed(0)} MiB)`);
  }
  return { results, lastLine: lastLines.join('\n') };
}

async function suite(client: KubeClient, kubeConfig: KubeConfig, env: NodeJS.ProcessEnv): Promise<Outcome> {
  const results: Record<string, string> = {};
  // 1. cleanup, same objects for both, reseeded between them
  log(`seeding ${sizes.cleanup} adopted TrainingJobs in ${sizes.cleanupNamespaces} namespaces for the documented loop`);
  const loopNamespaces = (await seed(client, 'loop', sizes.cleanup, sizes.cleanupNamespaces, { adopted: true, status: true })).namespaces;
  const loopSeconds = timed('bash', [path.join(ROOT, 'scripts', 'bench', 'documented-loop.sh'), ...loopNamespaces], env);
  if ((await remaining(client, loopNamespaces)) !== 0) throw new Error('the documented loop left objects behind');
  log(`documented loop: ${loopSeconds.toFixed(1)}s`);
  log(`seeding ${sizes.cleanup} adopted TrainingJobs again for the plugin`);
  const pluginNamespaces = (await seed(client, 'plugin', sizes.cleanup, sizes.cleanupNamespaces, { adopted: true, status: true })).namespaces;
  const backups = mkdtempSync(path.join(tmpdir(), 'smm-bench-backup-'));
  const pluginSeconds = timed(BINARY, ['cleanup', '--skip-aws-check', '-A', '--yes', '--kind', 'TrainingJob', '--backup-dir', backups], env);
  if ((await remaining(client, pluginNamespaces)) !== 0) throw new Error('the plugin left objects behind');
  const speedup = loopSeconds / pluginSeconds;
  log(`plugin cleanup: ${pluginSeconds.toFixed(1)}s (with a backup of every object)`);
  results['cleanup'] = `${sizes.cleanup} TrainingJobs in ${sizes.cleanupNamespaces} namespaces: documented loop ${loopSeconds.toFixed(1)}s, plugin ${pluginSeconds.toFixed(1)}s, speedup ${speedup.toFixed(1)}x`;

  // 2. adopt --wait with the simulator
  log(`seeding ${sizes.adopt} TrainingJobs to adopt`);
  const adoptNamespaces = (await seed(client, 'adopt', sizes.adopt, 5, { adopted: false, status: true })).namespaces;
  const aws: SimulatedAwsResource[] = Array.from({ length: sizes.adopt }, (_, index) => ({
    group: 'sagemaker.services.k8s.aws', kind: 'TrainingJob', region: 'us-east-2',
    identifiers: { trainingJobName: `adopt-job-${index}` },
    spec: adoptedAckTrainingJob('x', `adopt-job-${index}`).spec!,
    status: { trainingJobStatus: 'Completed' },
  }));
  const simulatorClient = new KubeClient(kubeConfig, { maxSockets: 32 });
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
  const startup = describeStartup(measureStartup(BINARY, env, sizes.startupRuns));
  results['startup'] = startup.row;
  for (const line of [startup.row, ...startup.ratios]) log(line);

  // 4. peak RSS of status over many objects
  log(`seeding ${sizes.rss} TrainingJobs for status`);
  await seed(client, 'rss', sizes.rss, 20, { adopted: false, status: true });
  const time = spawnSync('/usr/bin/time', ['-f', '%M', BINARY, 'status', '-A', '-o', 'json'], { env, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
  const peakKiB = Number(time.stderr.trim().split('\n').pop());
  results['rss'] = `status -A -o json over ${sizes.rss} old objects: peak RSS ${(peakKiB / 1024).toFixed(0)} MiB`;
  log(results['rss']);
  return { results, lastLine: `cleanup speedup vs documented loop: ${speedup.toFixed(1)}` };
}

/** Start-up alone: needs the bundled binary and kubectl, no control plane. */
function startupAlone(): void {
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'build.ts')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  const env = { ...process.env, NO_COLOR: '1', HOME: mkdtempSync(path.join(tmpdir(), 'smm-bench-home-')) };
  const startup = describeStartup(measureStartup(BINARY, env, sizes.startupRuns));
  if (!quick) writeReport({ startup: startup.row });
  process.stdout.write(`${startup.row}\n${startup.ratios.join('\n')}\n`);
}

/** The decisions alone, on objects made in memory: no control plane. */
function coreAlone(): void {
  const core = quick ? describeCore(500, 5000) : describeCore(5000, 50_000);
  if (!quick) writeReport({ core: core.row });
  process.stdout.write(`${core.row}\n${core.lastLine}\n`);
}

/**
 * Replaces this run's rows of the figures table in docs/benchmarks.md and keeps the others, each row with the day,
 * machine and load it was measured with; the analysis below the marker is written by people and kept as it is.
 */
function writeReport(results: Record<string, string>): void {
  const kubeApiserver = execFileSync('bash', [path.join(ROOT, 'scripts', 'envtest-assets.sh')], { encoding: 'utf8' }).trim();
  const serverVersion = readFileSync(path.join(kubeApiserver, 'READY'), 'utf8').trim().split('\n')[0];
  const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, ${serverVersion}`;
  const measured = `${new Date().toISOString().slice(0, 10)}, ${machine}, load ${loadAverage()}`;
  const file = path.join(ROOT, 'docs', 'benchmarks.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const rows = new Map<string, string>();
  for (const line of previous.slice(0, Math.max(0, previous.indexOf(ANALYSIS_MARKER))).split('\n')) {
    const cells = line.split(' | ');
    if (cells.length === 3 && line.startsWith('| ') && !line.startsWith('| measure') && !line.startsWith('|---')) rows.set(cells[0]!.slice(2), line);
  }
  for (const [name, value] of Object.entries(results)) rows.set(name, `| ${name} | ${value} | ${measured} |`);
  const lines = [
    '# Benchmarks',
    '',
    'Figures from `npm run bench` (`--floor`, `--scale`, `--startup`, `--core`: see the analysis), each with the day,',
    'machine and 1-minute load average it was measured with. The tools run on Node 20; the plugin is the bundled',
    `binary with Node ${RUNTIME_NODE_VERSION.split('.')[0]} inside.`,
    '',
    '| measure | result | measured on |',
    '|---|---|---|',
    ...rows.values(),
    '',
  ];
  const analysis = previous.includes(ANALYSIS_MARKER) ? previous.slice(previous.indexOf(ANALYSIS_MARKER)) : `${ANALYSIS_MARKER}\n`;
  writeFileSync(file, `${lines.join('\n')}\n${analysis}`);
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
