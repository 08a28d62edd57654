// Creates or updates CRDs on the test API server and waits until each is Established and listed in discovery.

import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from '../../src/kube/client.ts';
import { isAlreadyExists } from '../../src/kube/errors.ts';
import { BUILTIN_TYPES, findCondition, type KubeObject } from '../../src/kube/objects.ts';
import type { Crd } from './crds.ts';

export const CRD_TYPE = BUILTIN_TYPES.customResourceDefinition;

export async function installCrds(client: KubeClient, crds: Crd[], timeoutMs = 60_000): Promise<void> {
  for (const crd of crds) {
    try {
      await client.create(CRD_TYPE, crd as unknown as KubeObject);
    } catch (error) {
      if (!isAlreadyExists(error)) throw new Error(`installing CRD ${crd.metadata.name}: ${(error as Error).message}`);
    }
  }
  const deadline = Date.now() + timeoutMs;
  for (const crd of crds) {
    const spec = crd['spec'] as { group: string; names: { plural: string }; versions: Array<{ name: string; served: boolean }> };
    for (;;) {
      const live = await client.get(CRD_TYPE, crd.metadata.name);
      if (findCondition(live, 'Established')?.status === 'True') break;
      if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} did not become Established`);
      await sleep(100);
    }
    for (const version of spec.versions.filter((v) => v.served)) {
      for (;;) {
        const resources = await client.groupVersionResources(spec.group, version.name);
        if (resources?.some((resource) => resource.name === spec.names.plural)) break;
        if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} is not in discovery`);
        await sleep(100);
      }
    }
  }
}
