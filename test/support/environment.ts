// Everything the test suite and the benchmarks stand on: control-plane binaries, the bundled plugin, a running
// control plane per ACK era with its CRDs installed and its baseline ACK controller Deployments.

import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { startControlPlane, type ControlPlane } from './control-plane.ts';
import { collectCrds, type AckEra } from './crds.ts';
import { BASELINE_ACK_IMAGES, installBaselineControllers } from './deployments.ts';
import { installCrds } from './install-crds.ts';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BINARY = path.join(ROOT, 'dist', 'kubectl-sagemaker_migrate');

/** Builds (or finds) the control-plane binaries and the bundled plugin; returns the binaries' directory. */
export function prepareAssets(log: (message: string) => void): string {
  const started = Date.now();
  const since = (): string => `${Math.round((Date.now() - started) / 1000)}s`;
  const assets = execFileSync('bash', [path.join(ROOT, 'scripts', 'envtest-assets.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  log(`control-plane binaries: ${assets} (${since()})`);
  execFileSync(process.execPath, ['--import', 'tsx', path.join(ROOT, 'scripts', 'build.ts')], { cwd: ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  log(`bundled binary: ${path.relative(ROOT, BINARY)} (${since()})`);
  return assets;
}

/** One control plane with the real CRDs of one ACK era and that era's controller Deployments in ack-system. */
export async function startEnvironment(assets: string, era: AckEra, log: (message: string) => void): Promise<ControlPlane> {
  const crdSet = collectCrds(era);
  for (const line of crdSet.provenance) log(`[${era}] ${line}`);
  const controlPlane = await startControlPlane(assets);
  try {
    log(`[${era}] control plane up at ${controlPlane.server}`);
    const client = new KubeClient(loadKubeConfig({ kubeconfig: controlPlane.kubeconfigPath }).kubeConfig);
    await installCrds(client, crdSet.crds);
    await installBaselineControllers(client, BASELINE_ACK_IMAGES[era]);
    client.close();
    log(`[${era}] ${crdSet.crds.length} CRDs established, ${era} ACK controller Deployments in ack-system`);
    return controlPlane;
  } catch (error) {
    await controlPlane.stop();
    throw error;
  }
}
