// `npm test`: builds (or reuses) kube-apiserver + etcd, starts two real control planes (one per ACK era, each with
// its real CRDs) for the whole run, runs every ava suite against it, stops it, and ends with the line `N passed, M failed`
// (a skipped or todo test counts as failed).

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ControlPlane } from '../test/support/control-plane.ts';
import { summarizeAvaOutput } from './ava-summary.ts';
import { BINARY, prepareAssets, startEnvironment } from '../test/support/environment.ts';
import { motoAsset, rehearsalAssets } from '../test/support/old-operator.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message: string): void => void process.stderr.write(`run-tests: ${message}\n`);

const SERIAL_SUITE = 'test/serial';
const ERA_SUITE = 'test/adopted-resource-era';
const REHEARSAL_SUITE = 'test/e2e';

async function main(): Promise<number> {
  const started = Date.now();
  const assets = prepareAssets(log);
  const planes: ControlPlane[] = [];
  const stopAll = async (): Promise<void> => {
    for (const plane of planes.splice(0)) await plane.stop();
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => void stopAll().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143)));
  }
  try {
    const current = await startEnvironment(assets, 'current', log);
    planes.push(current);
    const adoptedResourceEra = await startEnvironment(assets, 'adopted-resource', log);
    planes.push(adoptedResourceEra);
    const requested = process.argv.slice(2);
    const pick = (test: (file: string) => boolean, all: string[]): string[] => (requested.length > 0 ? requested.filter(test) : all.filter((directory) => hasTests(directory)));
    const inSuite = (directory: string) => (file: string): boolean => file.includes(`${directory}/`) || file === directory;
    // Suites that change cluster-wide state (controller Deployments) run alone, after the parallel ones; the
    // AdoptedResource-era suite runs on the control plane that has that era's CRDs and controllers; the rehearsal
    // against the real old operator and moto runs last.
    const phases = [
      { plane: current, files: pick((file) => ![SERIAL_SUITE, ERA_SUITE, REHEARSAL_SUITE].some((suite) => inSuite(suite)(file)), ['test/unit', 'test/integration']), flags: [], extra: () => ({}) },
      { plane: current, files: pick(inSuite(SERIAL_SUITE), [SERIAL_SUITE]), flags: ['--serial', '--concurrency=1'], extra: () => ({}) },
      { plane: adoptedResourceEra, files: pick(inSuite(ERA_SUITE), [ERA_SUITE]), flags: [], extra: () => ({}) },
      { plane: current, files: pick(inSuite(REHEARSAL_SUITE), [REHEARSAL_SUITE]), flags: ['--serial', '--concurrency=1'], extra: rehearsalEnvironment },
    ];
    const running = phases.filter((candidate) => candidate.files.length > 0);
    // moto (the AWS emulator) serves every phase; the old operator only the rehearsal.
    const aws = running.length > 0 ? motoEnvironment() : {};
    const results = [];
    for (const phase of running) {
      results.push(await runAva(phase.files, phase.flags, { ...environmentOf(phase.plane), ...aws, ...phase.extra() }));
    }
    const passed = results.reduce((sum, result) => sum + result.passed, 0);
    const failed = results.reduce((sum, result) => sum + result.failed, 0);
    const exitCode = results.some((result) => result.exitCode !== 0) ? 1 : 0;
    const peaks = planes.map((plane, index) => `${index === 0 ? 'current' : 'adopted-resource era'}: kube-apiserver ${peakRssMiB(plane.apiServerPid)} MiB, etcd ${peakRssMiB(plane.etcdPid)} MiB`);
    log(`finished in ${Math.round((Date.now() - started) / 1000)}s; peak RSS ${peaks.join('; ')}`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await stopAll();
  }
}

/** moto, installed from PyPI into a venv on first use (cached), unless SMM_TEST_MOTO_SERVER names one already. */
function motoEnvironment(): Record<string, string> {
  const given = process.env['SMM_TEST_MOTO_SERVER'];
  if (given) {
    log(`moto ${given} (SMM_TEST_MOTO_SERVER)`);
    return { SMM_TEST_MOTO_SERVER: given };
  }
  const started = Date.now();
  const motoServer = motoAsset();
  log(`moto ${motoServer} (${Math.round((Date.now() - started) / 1000)}s)`);
  return { SMM_TEST_MOTO_SERVER: motoServer };
}

/** The old operator built from its Go module on first use (cached). */
function rehearsalEnvironment(): Record<string, string> {
  const started = Date.now();
  const assets = rehearsalAssets();
  log(`old operator ${assets.oldOperator} (${Math.round((Date.now() - started) / 1000)}s)`);
  return { SMM_TEST_OLD_OPERATOR: assets.oldOperator };
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

async function runAva(files: string[], flags: string[], env: Record<string, string>): Promise<{ exitCode: number; passed: number; failed: number }> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), ...flags, ...files], {
    cwd: root,
    // No test may ever reach the EC2 instance metadata address: the AWS SDK's credential chain ends there.
    env: { ...process.env, ...env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0', AWS_EC2_METADATA_DISABLED: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const summary = summarizeAvaOutput(output, exitCode);
  if (summary.notRun > 0) log(`${summary.notRun} test(s) skipped or todo, counted as failed: every test must run`);
  return { exitCode, passed: summary.passed, failed: summary.failed + summary.notRun };
}

function peakRssMiB(pid: number): string {
  try {
    const kilobytes = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kilobytes ? String(Math.round(Number(kilobytes) / 1024)) : '?';
  } catch {
    return '?';
  }
}

function hasTests(directory: string): boolean {
  return existsSync(path.join(root, directory)) && readdirSync(path.join(root, directory)).some((file) => file.endsWith('.test.ts'));
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`run-tests: ${error.message}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
