// `npm test`: builds (or finds) its assets in parallel (scripts/test-assets.ts), starts two real control planes (one
// per ACK era, each with its real CRDs) for the whole run, runs each ava phase as soon as what it needs is there,
// stops the control planes, says where the time went, and ends with the line `N passed, M failed` (a skipped or todo
// test counts as failed).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from '../test/support/control-plane.ts';
import { summarizeAvaOutput } from './ava-summary.ts';
import { BINARY, startEnvironment } from '../test/support/environment.ts';
import { AssetBuilds, type AssetName } from './test-assets.ts';
import { lineBuffered, TestConsole } from './test-console.ts';
import { planPhases, type Phase, type Plane } from './test-phases.ts';
import { timeSummary, type TimedStep } from './test-progress.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const output = new TestConsole();
const log = (message: string): void => output.writeError(`run-tests: ${message}\n`);

interface PhaseResult {
  exitCode: number;
  passed: number;
  failed: number;
  /** The report of a phase run beside the others, printed when it is its turn. */
  report: string;
}

async function main(): Promise<number> {
  const started = Date.now();
  const requested = process.argv.slice(2).map((entry) => path.relative(root, path.resolve(entry)));
  const phases = planPhases(requested, testFiles);
  const assets = new AssetBuilds(output);
  assets.start(phases.flatMap((phase) => phase.needs));

  const planes = new Map<Plane, Promise<ControlPlane>>();
  const planeSteps: TimedStep[] = [];
  const stopAll = async (): Promise<void> => {
    assets.stop();
    const started = [...planes.values()];
    planes.clear();
    for (const plane of await Promise.allSettled(started)) if (plane.status === 'fulfilled') await plane.value.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
  }
  // Both control planes start as soon as kube-apiserver and etcd are there, side by side.
  for (const era of new Set(phases.map((phase) => phase.plane))) {
    const plane = assets.get('control-plane-binaries').then(async (binaries) => {
      const planeStarted = Date.now();
      try {
        return await startEnvironment(binaries, era, log);
      } finally {
        planeSteps.push({ label: `${era} control plane`, durationMs: Date.now() - planeStarted });
      }
    });
    plane.catch(() => undefined);
    planes.set(era, plane);
  }

  const phaseSteps: TimedStep[] = [];
  const runPhase = async (phase: Phase): Promise<PhaseResult> => {
    const queued = Date.now();
    let waitedMs = 0;
    try {
      const [plane, ...values] = await Promise.all([planes.get(phase.plane)!, ...phase.needs.map((need) => assets.get(need))]);
      const given = Object.fromEntries(phase.needs.map((need, index) => [need, values[index]!])) as Partial<Record<AssetName, string>>;
      waitedMs = Date.now() - queued;
      const env = {
        ...environmentOf(plane),
        ...(given.moto ? { SMM_TEST_MOTO_SERVER: given.moto } : {}),
        ...(given['old-operator'] ? { SMM_TEST_OLD_OPERATOR: given['old-operator'] } : {}),
      };
      const result = await runAva(phase.files, phase.flags, env, phase.beside);
      phaseSteps.push({ label: phase.label, durationMs: Date.now() - queued - waitedMs, waitedMs, waitedFor: 'assets and control plane', failed: result.exitCode !== 0 });
      return result;
    } catch (error) {
      // What it needed failed to build or start: its tests cannot run, and the other phases still can.
      log(`${phase.label}: not run: ${(error as Error).message}`);
      phaseSteps.push({ label: phase.label, durationMs: Date.now() - queued - waitedMs, waitedMs, failed: true });
      return { exitCode: 1, passed: 0, failed: 1, report: '' };
    }
  };

  try {
    const beside = phases.filter((phase) => phase.beside).map((phase) => {
      const entry: { result: Promise<PhaseResult>; finished?: PhaseResult; printed: boolean } = { result: runPhase(phase), printed: false };
      void entry.result.then((result) => void (entry.finished = result));
      return entry;
    });
    // A report is printed between two phases, never into the middle of another one's.
    const printFinishedBeside = (): void => {
      for (const entry of beside) {
        if (!entry.finished || entry.printed) continue;
        output.writeOutput(entry.finished.report);
        entry.printed = true;
      }
    };
    const results: PhaseResult[] = [];
    for (const phase of phases.filter((candidate) => !candidate.beside)) {
      results.push(await runPhase(phase));
      printFinishedBeside();
    }
    results.push(...(await Promise.all(beside.map((entry) => entry.result))));
    printFinishedBeside();

    const passed = results.reduce((sum, result) => sum + result.passed, 0);
    const failed = results.reduce((sum, result) => sum + result.failed, 0);
    const exitCode = results.some((result) => result.exitCode !== 0) ? 1 : 0;
    const peaks: string[] = [];
    for (const [era, plane] of planes) {
      const running = await plane.catch(() => undefined);
      if (running) peaks.push(`${era}: kube-apiserver ${peakRssMiB(running.apiServerPid)} MiB, etcd ${peakRssMiB(running.etcdPid)} MiB`);
    }
    log(`finished in ${Math.round((Date.now() - started) / 1000)}s; peak RSS ${peaks.join('; ')}`);
    for (const line of timeSummary(assets.timings(), [...planeSteps, ...phaseSteps], Date.now() - started)) log(line);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

function environmentOf(plane: ControlPlane): Record<string, string> {
  return {
    SMM_TEST_KUBECONFIG: plane.kubeconfigPath,
    SMM_TEST_SERVER: plane.server,
    SMM_TEST_CA: plane.caPath,
    SMM_TEST_APISERVER_PID: String(plane.apiServerPid),
    SMM_TEST_BINARY: BINARY,
  };
}

/** One ava run; its report streams to stdout, or, for a phase run beside the others, is kept until its turn. */
async function runAva(files: string[], flags: string[], env: Record<string, string>, beside: boolean): Promise<PhaseResult> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), ...flags, ...files], {
    cwd: root,
    // No test may ever reach the EC2 instance metadata address: the AWS SDK's credential chain ends there.
    env: { ...process.env, ...env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let report = '';
  const stdout = lineBuffered((lines) => {
    report += lines;
    if (!beside) output.writeOutput(lines);
  });
  const stderr = lineBuffered((lines) => output.writeError(lines));
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exitCode = await new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? 1)));
  stdout.end();
  stderr.end();
  const summary = summarizeAvaOutput(report, exitCode);
  if (summary.notRun > 0) log(`${summary.notRun} test(s) skipped or todo, counted as failed: every test must run`);
  return { exitCode, passed: summary.passed, failed: summary.failed + summary.notRun, report: beside ? report : '' };
}

function peakRssMiB(pid: number): string {
  try {
    const kilobytes = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes ? String(Math.round(Number(kilobytes) / 1024)) : '?';
  } catch {
    return '?';
  }
}

/** The test files directly in a directory (none for a file or a missing directory), relative to the repository. */
function testFiles(directory: string): string[] {
  const full = path.join(root, directory);
  if (!existsSync(full) || !statSync(full).isDirectory()) return [];
  return readdirSync(full).filter((file) => file.endsWith('.test.ts')).sort().map((file) => path.join(directory, file));
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`run-tests: ${error.message}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
