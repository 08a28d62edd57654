// Keeps an up-to-date copy of one kind's objects in one namespace, as client-go's reflector does: list, then watch
// from the list's resourceVersion; a watch the server closes or a connection that drops is resumed from the last
// resourceVersion seen (bookmarks included), and an expired resourceVersion (410 Gone) means listing again.

import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeClient } from './client.ts';
import { KubeApiError } from './errors.ts';
import { apiVersionOf, type KubeObject, type ResourceType } from './objects.ts';
import { ClusterError } from '../errors.ts';

export interface InformerOptions {
  /** Start by watching from this resourceVersion instead of listing (a caller that has just listed). */
  resumeFrom?: string;
  /** How long each watch request may stay open before the server closes it and it is resumed. */
  watchSeconds?: number;
  /** Told of each transport failure being retried, and (with undefined) of the next success. */
  onConnection?: (failure: ClusterError | undefined) => void;
}

const MAX_BACKOFF_MS = 5000;

/**
 * Calls onChange with the whole current set after the first list and after every change, until the signal aborts.
 * Transport failures are retried with backoff for as long as the caller waits; API errors other than 410 (403, or
 * 404 when the CRD is gone) end it.
 */
export async function inform(
  client: KubeClient,
  type: ResourceType,
  namespace: string | undefined,
  onChange: (objects: ReadonlyMap<string, KubeObject>) => void,
  signal: AbortSignal,
  options: InformerOptions = {},
): Promise<void> {
  const objects = new Map<string, KubeObject>();
  let resourceVersion = options.resumeFrom;
  let failures = 0;
  while (!signal.aborted) {
    try {
      if (resourceVersion === undefined) {
        const snapshot = await client.listSnapshot(type, { namespace });
        objects.clear();
        for (const item of snapshot.items) objects.set(keyOf(item), item);
        resourceVersion = snapshot.resourceVersion;
        if (failures > 0) options.onConnection?.(undefined);
        failures = 0;
        onChange(objects);
      }
      for await (const event of client.watch(type, { namespace, resourceVersion, timeoutSeconds: options.watchSeconds ?? 300 }, signal)) {
        if (failures > 0) options.onConnection?.(undefined);
        failures = 0;
        if (event.type === 'ERROR') {
          // A Status object: 410 Gone (expired resourceVersion) and anything else alike are cured by a fresh list.
          resourceVersion = undefined;
          break;
        }
        resourceVersion = event.object.metadata.resourceVersion ?? resourceVersion;
        if (event.type === 'BOOKMARK') continue;
        const object = { ...event.object, apiVersion: apiVersionOf(type), kind: type.kind };
        if (event.type === 'DELETED') objects.delete(keyOf(object));
        else objects.set(keyOf(object), object);
        onChange(objects);
      }
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof KubeApiError && error.code === 410) {
        resourceVersion = undefined;
        continue;
      }
      if (!(error instanceof ClusterError) || error instanceof KubeApiError) throw error;
      failures += 1;
      options.onConnection?.(error);
      await sleep(Math.min(200 * 2 ** failures, MAX_BACKOFF_MS), undefined, { signal }).catch(() => undefined);
    }
  }
}

function keyOf(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`;
}
