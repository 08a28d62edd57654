// The way back after `adopt`: removes exactly the ACK objects and AdoptedResources this tool made, each made safe
// first (deletion policy retain and read-only, read back from the API server), so that ACK lets go of the AWS
// resource without touching it, and the old operator keeps managing the old objects as before. Refuses where going
// back is no longer possible: the old objects are gone (cleanup ran).

import type { KubeClient } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import type { KubeObject, ResourceType } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, ackFinalizer, type AckKind, ADOPTED_RESOURCE_TYPE, MANAGED_BY_LABEL } from '../model/ack-kinds.ts';
import { installsFor } from '../discovery/controller-checks.ts';
import type { AckControllerInstall } from '../discovery/controllers.ts';
import type { Inventory } from '../discovery/inventory.ts';
import { AdoptedResourceMakers, originOf } from '../model/origin.ts';
import { sourceRef } from '../plan/plan.ts';

export type UndoAction = 'remove' | 'keep' | 'refuse';

export interface UndoItem {
  /** The ACK object, or an AdoptedResource whose target does not exist. */
  object: KubeObject;
  type: ResourceType;
  /** The ACK kind of an ACK object; undefined for a lone AdoptedResource. */
  kind?: AckKind;
  /** The AdoptedResource of this tool's that made it, removed first. */
  maker?: KubeObject;
  action: UndoAction;
  reason: string;
}

const MADE_BY_THIS_TOOL = MANAGED_BY_LABEL['app.kubernetes.io/managed-by'];
const ADOPTED_RESOURCE_FINALIZER = 'finalizers.services.k8s.aws/AdoptedResource';

function ours(object: KubeObject): boolean {
  return object.metadata.labels?.['app.kubernetes.io/managed-by'] === MADE_BY_THIS_TOOL;
}

function inScope(object: KubeObject, inventory: Inventory): boolean {
  return inventory.scopeNamespace === undefined || object.metadata.namespace === inventory.scopeNamespace;
}

/** Which objects undo removes, keeps or must refuse, decided from the cluster's state alone (pure). */
export function decideUndo(inventory: Inventory): UndoItem[] {
  const present = new Set(inventory.oldObjects.map((object) => sourceRef(object.kind, object.metadata.namespace, object.metadata.name)));
  const items: UndoItem[] = [];
  const makersUsed = new Set<string>();
  const makers = new AdoptedResourceMakers(inventory.adoptedResources);
  for (const object of inventory.ackObjects.filter((candidate) => inScope(candidate, inventory))) {
    const origin = originOf(object, makers);
    if (!origin) continue;
    const type = origin.kind;
    if (!origin.madeByThisTool) {
      items.push({ object, type, kind: origin.kind, action: 'keep', reason: 'not made by this tool' });
      continue;
    }
    const { maker } = origin;
    if (maker && ours(maker)) makersUsed.add(`${maker.metadata.namespace}/${maker.metadata.name}`);
    const base = { object, type, kind: origin.kind, ...(maker && ours(maker) ? { maker } : {}) };
    if (origin.sources.length === 0) {
      items.push({ ...base, action: 'refuse', reason: 'origin unknown: neither it nor an AdoptedResource naming it says which old objects it was made for, so going back cannot be proven safe' });
      continue;
    }
    const gone = origin.sources.filter((source) => !present.has(source));
    if (gone.length > 0) {
      items.push({
        ...base,
        action: 'refuse',
        reason: `its old objects are gone (${gone.join(', ')}: cleanup ran), so ACK is the only thing that manages this resource; restoring old objects from backups would not help: the old operator names AWS resources after the object's uid, so it would create new ones`,
      });
      continue;
    }
    items.push({ ...base, action: 'remove', reason: `made by this tool; its old objects are still there (${origin.sources.join(', ')})` });
  }
  // AdoptedResources of this tool's whose target was never created (not adopted yet, or refused by ACK).
  for (const adoptedResource of inventory.adoptedResources.filter((candidate) => ours(candidate) && inScope(candidate, inventory))) {
    if (makersUsed.has(`${adoptedResource.metadata.namespace}/${adoptedResource.metadata.name}`)) continue;
    items.push({ object: adoptedResource, type: ADOPTED_RESOURCE_TYPE, action: 'remove', reason: 'an AdoptedResource of this tool\'s with no target object' });
  }
  return items;
}

/** Whether an ACK controller that would release this object runs (a finalizer needs it to go away). */
export function controllerRunning(item: UndoItem, installs: AckControllerInstall[]): boolean {
  const controller = item.kind?.controller;
  const namespace = item.object.metadata.namespace ?? 'default';
  const candidates = controller ? installsFor(installs, controller, namespace) : installs.filter((install) => install.watchNamespaces === undefined || install.watchNamespaces.includes(namespace));
  return candidates.some((install) => install.running);
}

export type UndoResult = 'removed' | 'already-gone' | 'replaced' | 'waiting' | 'refused';

export interface UndoOutcome {
  item: UndoItem;
  result: UndoResult;
  message?: string;
}

export interface UndoOptions {
  /** The ACK controller is not running: remove ACK's finalizer here (nothing can call AWS then). */
  removeFinalizers: boolean;
  /** How long to wait for each object to be gone after its deletion. */
  timeoutMs: number;
  sleep: (milliseconds: number) => Promise<void>;
}

const MAX_CONFLICT_RETRIES = 5;

async function fresh(client: KubeClient, type: ResourceType, object: KubeObject): Promise<KubeObject | undefined> {
  try {
    return await client.get(type, object.metadata.name, object.metadata.namespace);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

/** Retain and read-only on the object, written with its resourceVersion and read back: returns the object read back. */
async function makeSafe(client: KubeClient, type: ResourceType, live: KubeObject): Promise<KubeObject> {
  const annotations = live.metadata.annotations ?? {};
  if (annotations[ACK_ANNOTATIONS.deletionPolicy] !== 'retain' || annotations[ACK_ANNOTATIONS.readOnly] !== 'true') {
    await client.mergePatch(type, live.metadata.name, live.metadata.namespace, {
      metadata: { resourceVersion: live.metadata.resourceVersion, annotations: { [ACK_ANNOTATIONS.deletionPolicy]: 'retain', [ACK_ANNOTATIONS.readOnly]: 'true' } },
    });
  }
  const readBack = await client.get(type, live.metadata.name, live.metadata.namespace);
  const read = readBack.metadata.annotations ?? {};
  if (read[ACK_ANNOTATIONS.deletionPolicy] !== 'retain' || read[ACK_ANNOTATIONS.readOnly] !== 'true') {
    throw new Error(`the API server did not keep retain and read-only on ${type.kind}/${live.metadata.name}: is a webhook or a GitOps tool rewriting it?`);
  }
  return readBack;
}

/** Deletes one object, made safe first, with its uid and the resourceVersion read back as preconditions. */
async function removeSafely(client: KubeClient, type: ResourceType, decided: KubeObject, finalizer: string | undefined, options: UndoOptions): Promise<'deleted' | 'already-gone' | 'replaced'> {
  for (let attempt = 0; ; attempt += 1) {
    const live = await fresh(client, type, decided);
    if (!live) return 'already-gone';
    if (live.metadata.uid !== decided.metadata.uid) return 'replaced';
    if (live.metadata.deletionTimestamp) return 'deleted';
    try {
      let safe = type === ADOPTED_RESOURCE_TYPE ? live : await makeSafe(client, type, live);
      if (options.removeFinalizers && finalizer && (safe.metadata.finalizers ?? []).includes(finalizer)) {
        safe = await client.mergePatch(type, safe.metadata.name, safe.metadata.namespace, {
          metadata: { resourceVersion: safe.metadata.resourceVersion, finalizers: (safe.metadata.finalizers ?? []).filter((entry) => entry !== finalizer) },
        });
      }
      await client.delete(type, safe.metadata.name, safe.metadata.namespace, { uid: safe.metadata.uid!, resourceVersion: safe.metadata.resourceVersion! });
      return 'deleted';
    } catch (error) {
      if (isNotFound(error)) return 'already-gone';
      // ACK writes status now and then: read again, make safe again, delete again.
      if (isConflict(error) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}

async function waitUntilGone(client: KubeClient, type: ResourceType, object: KubeObject, options: UndoOptions): Promise<boolean> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const live = await fresh(client, type, object);
    if (!live || live.metadata.uid !== object.metadata.uid) return true;
    if (Date.now() >= deadline) return false;
    await options.sleep(500);
  }
}

/** Removes one item: its AdoptedResource first, then the ACK object, each waited for until it is gone. */
export async function undoOne(item: UndoItem, client: KubeClient, options: UndoOptions): Promise<UndoOutcome> {
  let result: UndoResult = 'removed';
  if (item.maker) {
    const makerResult = await removeSafely(client, ADOPTED_RESOURCE_TYPE, item.maker, ADOPTED_RESOURCE_FINALIZER, options);
    if (makerResult === 'replaced') return { item, result: 'replaced', message: 'its AdoptedResource was replaced after this run read it: run undo again' };
    if (!(await waitUntilGone(client, ADOPTED_RESOURCE_TYPE, item.maker, options))) {
      return { item, result: 'waiting', message: `AdoptedResource ${item.maker.metadata.name} is still being deleted: its ACK finalizer is there until the controller releases it` };
    }
  }
  const finalizer = item.kind ? ackFinalizer(item.kind) : ADOPTED_RESOURCE_FINALIZER;
  const outcome = await removeSafely(client, item.type, item.object, finalizer, options);
  if (outcome === 'replaced') return { item, result: 'replaced', message: 'an object of the same name was created after this run read it: it was left alone, run undo again' };
  if (outcome === 'already-gone') result = 'already-gone';
  if (!(await waitUntilGone(client, item.type, item.object, options))) {
    return { item, result: 'waiting', message: `still being deleted after ${Math.round(options.timeoutMs / 1000)}s: ACK's finalizer stays until its controller releases the object (is it running?)` };
  }
  return { item, result };
}

/** The namespaces an old operator install serves that stop-operator stopped (so it does not manage them now). */
export function stoppedInstallsServing(namespaces: string[], deployments: Array<{ namespace: string; name: string; watchedNamespace: string | undefined; previousReplicas: number | undefined; replicas: number }>): string[] {
  return deployments
    .filter((deployment) => deployment.replicas === 0 && deployment.previousReplicas !== undefined)
    .filter((deployment) => deployment.watchedNamespace === undefined || namespaces.includes(deployment.watchedNamespace))
    .map((deployment) => `${deployment.namespace}/${deployment.name} (${deployment.watchedNamespace ? `namespace ${deployment.watchedNamespace}` : 'all namespaces'})`);
}
