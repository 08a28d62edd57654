// Polls the API server until objects reach a state a background actor (the adoption simulator) is expected to
// produce; fails with the objects' last state rather than hanging.

import { setTimeout as sleep } from 'node:timers/promises';
import { ackKindByGroupKind } from '../../src/core/model/ack-kinds.ts';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject, ResourceType } from '../../src/kube/objects.ts';
import { ADOPTED_RESOURCE_TYPE } from '../../src/core/model/ack-kinds.ts';

function typeOf(object: KubeObject): ResourceType {
  if (object.kind === ADOPTED_RESOURCE_TYPE.kind) return ADOPTED_RESOURCE_TYPE;
  const kind = ackKindByGroupKind(object.apiVersion.split('/')[0] ?? '', object.kind);
  if (!kind) throw new Error(`no resource type for ${object.apiVersion} ${object.kind}`);
  return kind;
}

/** The live versions of these objects (same names, in `namespace`), once every one satisfies `ready`. */
export async function waitForObjects(client: KubeClient, objects: KubeObject[], namespace: string, ready: (object: KubeObject) => boolean, timeoutMs = 60_000): Promise<KubeObject[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const live: KubeObject[] = [];
    for (const object of objects) {
      const type = typeOf(object);
      try {
        live.push({ ...(await client.get(type, object.metadata.name, namespace)), apiVersion: object.apiVersion, kind: object.kind });
      } catch {
        // not there yet
      }
    }
    if (live.length === objects.length && live.every(ready)) return live;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${objects.length - live.filter(ready).length} of ${objects.length} object(s)`);
    await sleep(200);
  }
}
