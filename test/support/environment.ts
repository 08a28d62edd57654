// Everything the test suite and the benchmarks stand on: control-plane binaries, the bundled plugin, a running
// control plane with the CRDs installed and the baseline ACK controller Deployments.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { collectCrds } from './crds.ts';
import { installBaselineControllers } from './deployments.ts';
import { installCrds } from './install-crds.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BINARY = path.join(ROOT, 'dist', 'kubectl-sagemaker_migrate');

export async function startEnvironment(log: (message: string) => void): Promise<ControlPlane> {
  const started = Date.now();
  const since = (): string => `${Math.round((Date.now() - started) / 1000)}s since start`;
  const assets = execFileSync('bash', [path.join(ROOT, 'scripts', 'envtest-assets.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  log(`control-plane binaries: ${assets} (${since()})`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'build.ts')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  log(`bundled binary: ${path.relative(ROOT, BINARY)} (${since()})`);
  const crdSet = collectCrds();
  for (const line of crdSet.provenance) log(line);

  const controlPlane = await startControlPlane(assets);
  const stopOnSignal = (signal: NodeJS.Signals): void => {
    void controlPlane.stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  try {
    log(`control plane up at ${controlPlane.server} (${since()})`);
    const client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }).kubeConfig);
    await installCrds(client, crdSet.crds);
    await installBaselineControllers(client);
    client.close();
    log(`${crdSet.crds.length} CRDs established, baseline ACK controller Deployments in ack-system`);
    return controlPlane;
  } catch (error) {
    await controlPlane.stop();
    throw error;
  }
}
