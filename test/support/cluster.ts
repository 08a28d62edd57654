// What an integration test needs from the control plane started by scripts/run-tests.ts: a kubeconfig, an admin
// client, and a fresh namespace of its own.

import { randomBytes } from 'node:crypto';
import type { ExecutionContext } from 'ava';
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { BUILTIN_TYPES, type KubeObject, type ResourceType } from '../../src/kube/objects.ts';

export const NAMESPACE_TYPE = BUILTIN_TYPES.namespace;

export function testKubeconfig(): string {
  const kubeconfig = process.env['SMM_TEST_KUBECONFIG'];
  if (!kubeconfig) throw new Error('SMM_TEST_KUBECONFIG is not set: run integration tests through `npm test`');
  return kubeconfig;
}

export function adminClient(): KubeClient {
  return new KubeClient(loadKubeConfig({ kubeconfig: testKubeconfig() }).kubeConfig);
}

/** Creates a namespace unique to this test; the control plane is thrown away after the run, so nothing is deleted. */
export async function freshNamespace(client: KubeClient, prefix = 'test'): Promise<string> {
  const name = `${prefix}-${randomBytes(4).toString('hex')}`;
  await client.create(NAMESPACE_TYPE, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  return name;
}

export function closeAfter(t: ExecutionContext, client: KubeClient): KubeClient {
  t.teardown(() => client.close());
  return client;
}

/** Every object of these kinds in the namespace. */
export async function objectsOfKinds(client: KubeClient, kinds: readonly ResourceType[], namespace: string): Promise<KubeObject[]> {
  const all: KubeObject[] = [];
  for (const kind of kinds) all.push(...(await client.listAll(kind, { namespace })));
  return all;
}

/**
 * Each object's resourceVersion and finalizers, keyed by kind and name: the same before and after only when nothing
 * was written to any of them (a count would not see finalizers stripped from objects that were then left).
 */
export async function objectVersions(client: KubeClient, kinds: readonly ResourceType[], namespace: string): Promise<Record<string, { resourceVersion: string | undefined; finalizers: string[] }>> {
  const versions: Record<string, { resourceVersion: string | undefined; finalizers: string[] }> = {};
  for (const object of await objectsOfKinds(client, kinds, namespace)) {
    versions[`${object.kind}/${object.metadata.name}`] = { resourceVersion: object.metadata.resourceVersion, finalizers: object.metadata.finalizers ?? [] };
  }
  return versions;
}
