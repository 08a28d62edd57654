// `npm test`: builds (or reuses) kube-apiserver + etcd, starts one real control plane with the real CRDs for the
// whole run, runs every ava suite against it, stops it, and ends with the line `N passed, M failed`.

import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BINARY, startEnvironment } from '../test/support/environment.ts';
import { rehearsalAssets } from '../test/support/old-operator.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message: string): void => void process.stderr.write(`run-tests: ${message}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const controlPlane = await startEnvironment(log);
  try {
    const env = {
      SMM_TEST_KUBECONFIG: controlPlane.kubeconfigPath,
      SMM_TEST_SERVER: controlPlane.server,
      SMM_TEST_CA: controlPlane.caPath,
      SMM_TEST_APISERVER_PID: String(controlPlane.apiServerPid),
      SMM_TEST_BINARY: BINARY,
    };
    const requested = process.argv.slice(2);
    const inPhase = (directory: string) => (file: string): boolean => file.includes(directory) || file === directory.replace(/\/$/, '');
    const other = (file: string): boolean => !inPhase('test/serial/')(file) && !inPhase('test/e2e/')(file);
    // Suites that change cluster-wide state (controller Deployments) run alone, after the parallel ones; the
    // rehearsal against the real old operator and moto runs last.
    const parallel = requested.length > 0 ? requested.filter(other) : ['test/unit', 'test/integration'];
    const serial = requested.length > 0 ? requested.filter(inPhase('test/serial/')) : hasTests('test/serial') ? ['test/serial'] : [];
    const rehearsal = requested.length > 0 ? requested.filter(inPhase('test/e2e/')) : hasTests('test/e2e') ? ['test/e2e'] : [];
    const results = [];
    if (parallel.length > 0) results.push(await runAva(parallel, [], env));
    if (serial.length > 0) results.push(await runAva(serial, ['--serial', '--concurrency=1'], env));
    if (rehearsal.length > 0) {
      const assetsStarted = Date.now();
      const assets = rehearsalAssets();
      log(`old operator ${assets.oldOperator}, moto ${assets.motoServer} (${Math.round((Date.now() - assetsStarted) / 1000)}s)`);
      results.push(await runAva(rehearsal, ['--serial', '--concurrency=1'], { ...env, SMM_TEST_OLD_OPERATOR: assets.oldOperator, SMM_TEST_MOTO_SERVER: assets.motoServer }));
    }
    const passed = results.reduce((sum, result) => sum + result.passed, 0);
    const failed = results.reduce((sum, result) => sum + result.failed, 0);
    const exitCode = results.some((result) => result.exitCode !== 0) ? 1 : 0;
    log(`finished in ${Math.round((Date.now() - started) / 1000)}s; peak RSS kube-apiserver ${peakRssMiB(controlPlane.apiServerPid)} MiB, etcd ${peakRssMiB(controlPlane.etcdPid)} MiB`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await controlPlane.stop();
  }
}

async function runAva(files: string[], flags: string[], env: Record<string, string>): Promise<{ exitCode: number; passed: number; failed: number }> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), ...flags, ...files], {
    cwd: root,
    env: { ...process.env, ...env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    process.stdout.write(chunk);
  });
  const exitCode = await new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? 1)));
  const plain = output.replace(/\x1b\[[0-9;]*m/g, '');
  const count = (pattern: RegExp): number => Number(pattern.exec(plain)?.[1] ?? 0);
  const failed =
    count(/(\d+) tests? failed/) + count(/(\d+) uncaught exceptions?/) + count(/(\d+) unhandled rejections?/) +
    count(/(\d+) tests? remained pending after a timeout/) + (exitCode !== 0 && !/tests? failed|remained pending/.test(plain) ? 1 : 0);
  // ava prints "N tests passed" when all pass, otherwise "N tests failed" plus a passed count per line.
  const passed = count(/(\d+) tests? passed/) || (failed === 0 ? 0 : countPassedLines(plain));
  return { exitCode, passed, failed };
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

function countPassedLines(output: string): number {
  return output.split('\n').filter((line) => /^\s*✔/.test(line)).length;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`run-tests: ${error.message}\n`);
    process.stdout.write('0 passed, 1 failed\n');
    process.exit(1);
  },
);
