// `npm test`: builds (or reuses) kube-apiserver + etcd, starts one real control plane with the real CRDs for the
// whole run, runs every ava suite against it, stops it, and ends with the line `N passed, M failed`.

import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startControlPlane } from '../test/support/control-plane.ts';
import { collectCrds } from '../test/support/crds.ts';
import { installCrds } from '../test/support/install-crds.ts';
import { loadKubeConfig } from '../src/kube/config.ts';
import { KubeClient } from '../src/kube/client.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const log = (message: string): void => void process.stderr.write(`run-tests: ${message}\n`);

async function main(): Promise<number> {
  const started = Date.now();
  const assets = execFileSync('bash', [path.join(root, 'scripts', 'envtest-assets.sh')], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  }).trim();
  log(`control-plane binaries: ${assets} (${Math.round((Date.now() - started) / 1000)}s)`);

  const crdSet = collectCrds();
  for (const line of crdSet.provenance) log(line);

  const controlPlane = await startControlPlane(assets);
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void controlPlane.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    log(`control plane up at ${controlPlane.server} (${Math.round((Date.now() - started) / 1000)}s since start)`);
    const client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }).kubeConfig);
    await installCrds(client, crdSet.crds);
    client.close();
    log(`${crdSet.crds.length} CRDs established`);

    const files = process.argv.slice(2);
    const { exitCode, passed, failed } = await runAva(files, {
      SMM_TEST_KUBECONFIG: controlPlane.kubeconfigPath,
      SMM_TEST_SERVER: controlPlane.server,
      SMM_TEST_CA: controlPlane.caPath,
      SMM_TEST_APISERVER_PID: String(controlPlane.apiServerPid),
    });
    log(`finished in ${Math.round((Date.now() - started) / 1000)}s`);
    process.stdout.write(`${passed} passed, ${failed} failed\n`);
    return exitCode === 0 && failed === 0 && passed > 0 ? 0 : 1;
  } finally {
    await controlPlane.stop();
  }
}

async function runAva(files: string[], env: Record<string, string>): Promise<{ exitCode: number; passed: number; failed: number }> {
  const child = spawn(process.execPath, [path.join(root, 'node_modules', 'ava', 'entrypoints', 'cli.mjs'), ...files], {
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
  const failed = count(/(\d+) tests? failed/) + count(/(\d+) uncaught exceptions?/) + count(/(\d+) unhandled rejections?/);
  // ava prints "N tests passed" when all pass, otherwise "N tests failed" plus a passed count per line.
  const passed = count(/(\d+) tests? passed/) || (failed === 0 ? 0 : countPassedLines(plain));
  return { exitCode, passed, failed };
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
