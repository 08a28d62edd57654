// Writes kubeconfigs for the test users: a bearer token, or an exec credential plugin as EKS kubeconfigs use.

import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

export const EXEC_CREDENTIAL_SCRIPT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures', 'exec-credential.sh');

type UserEntry = Record<string, unknown>;

function kubeconfigFor(user: UserEntry, namespace = 'default', serverOverride?: string): string {
  const server = serverOverride ?? process.env['SMM_TEST_SERVER'];
  const caPath = process.env['SMM_TEST_CA'];
  if (!server || !caPath) throw new Error('SMM_TEST_SERVER/SMM_TEST_CA are not set: run through `npm test`');
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'envtest', cluster: { server, 'certificate-authority-data': readFileSync(caPath).toString('base64') } }],
    users: [{ name: 'test-user', user }],
    contexts: [{ name: 'test-context', context: { cluster: 'envtest', user: 'test-user', namespace } }],
    'current-context': 'test-context',
  };
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smm-kubeconfig-')), 'config');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

export function tokenKubeconfig(token: string, namespace?: string): string {
  return kubeconfigFor({ token }, namespace);
}

export function execKubeconfig(command: string, args: string[], namespace?: string): string {
  return kubeconfigFor(
    { exec: { apiVersion: 'client.authentication.k8s.io/v1beta1', command, args, interactiveMode: 'Never' } },
    namespace,
  );
}

/** A kubeconfig whose server refuses connections (nothing listens on port 1). */
export function unreachableKubeconfig(): string {
  return kubeconfigFor({ token: 'unused' }, 'default', 'https://127.0.0.1:1');
}

/** The admin kubeconfig of the test control plane, pointed at another address (a proxy in front of it). */
export function adminKubeconfigVia(server: string): string {
  const admin = process.env['SMM_TEST_KUBECONFIG'];
  if (!admin) throw new Error('SMM_TEST_KUBECONFIG is not set: run through `npm test`');
  const config = yaml.load(readFileSync(admin, 'utf8')) as { clusters: Array<{ cluster: { server: string } }> };
  for (const entry of config.clusters) entry.cluster.server = server;
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'smm-kubeconfig-')), 'config');
  writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}
