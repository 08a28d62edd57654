// Hands control to ACK after cleanup (pure decisions + one patch per object): removes the observe-only annotation
// from adopted ACK objects made by this tool, once no old object stands for their AWS resource any more. Safe by
// default: an object whose origin cannot be established, or that is not proven adopted, is kept.

import type { KubeClient } from '../../kube/client.ts';
import { isConflict, isNotFound } from '../../kube/errors.ts';
import { stringAt, type KubeObject } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, ACK_KINDS, type AckKind, type AckKindName } from '../model/ack-kinds.ts';
import { observeAnnotationTarget } from '../model/adoption-state.ts';
import { inParallel } from '../model/in-parallel.ts';
import { checkWithAws, overlapEnded, refreshSpecFromAws, verdictReason, type AwsCheckContext, type AwsVerdict } from '../discovery/aws-check.ts';
import { comparisonFor, needsAwsCheck, refreshOperations } from '../model/aws-drift.ts';
import { ownersOf } from '../model/ownership.ts';
import type { Inventory } from '../discovery/inventory.ts';
import { OLD_KINDS } from '../model/kinds.ts';
import { AdoptedResourceMakers, originOf, regionlessKey, type Origin } from '../model/origin.ts';
import { sourceRef, type DeletionPolicy } from '../plan/plan.ts';
import { targetsOf } from '../model/targets.ts';

export interface HandoverItem {
  object: KubeObject;
  kind: AckKind;
  action: 'hand-over' | 'keep';
  reason: string;
  /** What AWS showed before release; absent when AWS was not checked. */
  aws?: AwsVerdict;
  /** Its spec is to be refreshed from AWS before release (--refresh-spec on a drifted object). */
  refresh?: boolean;
  /** Kept because of what AWS showed (or could not show): the run then ends with exit 5. */
  keptForAws?: boolean;
  /** Not read-only although its old objects remain: ACK manages it already, so it is only reported. */
  overlapEnded?: boolean;
}

export interface HandoverAwsOptions {
  deletionPolicy: DeletionPolicy | undefined;
}

const CHECK_CONCURRENCY = 8;

export interface HandoverDecision {
  items: HandoverItem[];
  /** What could not be checked, said before anything is changed. */
  warnings: string[];
}

export function decideHandover(inventory: Inventory): HandoverDecision {
  const present = new Set(inventory.oldObjects.map((object) => sourceRef(object.kind, object.metadata.namespace, object.metadata.name)));
  const standingFor = oldObjectsByAwsIdentity(inventory.oldObjects);
  const makers = new AdoptedResourceMakers(inventory.adoptedResources);
  const items = inventory.ackObjects
    .filter((object) => inventory.scopeNamespace === undefined || object.metadata.namespace === inventory.scopeNamespace)
    .flatMap((object): HandoverItem[] => {
      const origin = originOf(object, makers);
      if (!origin?.madeByThisTool) return [];
      if (object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true') return [{ object, kind: origin.kind, ...decide(object, origin, present, standingFor) }];
      // Not read-only while its old objects remain: the overlap ended without handover (a GitOps sync or an edit
      // dropped the annotation, or it was adopted with --no-read-only). Reported, with what AWS shows.
      const remaining = origin.sources.filter((source) => present.has(source));
      if (remaining.length === 0) return [];
      return [{ object, kind: origin.kind, action: 'keep', reason: `not read-only while its old objects remain (${remaining.join(', ')}): ACK may already have written to AWS`, overlapEnded: true }];
    });
  const warnings = inventory.cluster?.oldObjectsClusterWide === false
    ? [`old objects could be listed only in namespace ${inventory.scopeNamespace ?? 'default'}: one elsewhere that stands for the same AWS resource would not be seen`]
    : [];
  return { items, warnings };
}

function decide(object: KubeObject, origin: Origin, present: Set<string>, standingFor: Map<string, string[]>): Pick<HandoverItem, 'action' | 'reason'> {
  const keep = (reason: string) => ({ action: 'keep' as const, reason });
  const observation = observeAnnotationTarget(object, origin.kind, origin.expected);
  if (observation.state !== 'adopted') return keep(`not adopted (${observation.state}${observation.message ? `: ${observation.message}` : ''})`);
  if (origin.sources.length === 0) {
    return keep('origin unknown: neither it nor an AdoptedResource naming it says which old objects it was made for, so they cannot be checked');
  }
  const remaining = origin.sources.filter((source) => present.has(source));
  if (remaining.length > 0) return keep(`old object still present: ${remaining.join(', ')}; run cleanup first`);
  const identifiers = { ...origin.expected };
  for (const field of [origin.kind.primaryField, ...origin.kind.additionalFields]) {
    const value = stringAt(object, `spec.${field}`);
    if (value !== undefined) identifiers[field] = value;
  }
  const others = standingFor.get(regionlessKey(origin.kind, identifiers));
  if (others) return keep(`old object still stands for the same AWS resource: ${others.join(', ')}; run cleanup first`);
  return { action: 'hand-over', reason: `adopted, and its old objects are gone${observation.syncError ? ` (ACK reports a sync error: ${observation.syncError})` : ''}` };
}

/** Every AWS resource the old objects stand for (region aside), with the old objects that stand for it. */
function oldObjectsByAwsIdentity(oldObjects: KubeObject[]): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const object of oldObjects) {
    const kind = OLD_KINDS.find((candidate) => candidate.kind === object.kind);
    if (!kind) continue;
    for (const target of targetsOf(kind, object)) {
      const key = regionlessKey(ACK_KINDS[target.ackKind], target.identifiers);
      index.set(key, [...(index.get(key) ?? []), sourceRef(object.kind, object.metadata.namespace, object.metadata.name)]);
    }
  }
  return index;
}

export async function handOver(item: HandoverItem, client: KubeClient, deletionPolicy: DeletionPolicy | undefined): Promise<void> {
  await client.mergePatch(item.kind, item.object.metadata.name, item.object.metadata.namespace, {
    metadata: {
      resourceVersion: item.object.metadata.resourceVersion,
      annotations: { [ACK_ANNOTATIONS.readOnly]: null, ...(deletionPolicy ? { [ACK_ANNOTATIONS.deletionPolicy]: deletionPolicy } : {}) },
    },
  });
}

/**
 * Re-reads each object about to be handed over and compares it with AWS: only an object whose AWS resource exists
 * and matches its spec (or, with --refresh-spec, whose spec can be refreshed from AWS) stays `hand-over`.
 */
export async function checkHandoverWithAws(items: HandoverItem[], client: KubeClient, context: Omit<AwsCheckContext, 'siblings'>, refreshSpec: boolean): Promise<HandoverItem[]> {
  const checked = (item: HandoverItem): boolean => (item.action === 'hand-over' || item.overlapEnded === true) && needsAwsCheck(item.kind.kind as AckKindName);
  const fresh = await inParallel(items, CHECK_CONCURRENCY, async (item) => {
    if (!checked(item)) return item;
    try {
      return { ...item, object: await client.get(item.kind, item.object.metadata.name, item.object.metadata.namespace) };
    } catch (error) {
      if (isNotFound(error)) return { ...item, action: 'keep' as const, reason: 'it was deleted while this run read the cluster' };
      throw error;
    }
  });
  const siblings = fresh.map((item) => item.object);
  return await inParallel(fresh, CHECK_CONCURRENCY, async (item): Promise<HandoverItem> => {
    if (item.overlapEnded && checked(item)) {
      const aws = await checkWithAws(item.object, item.kind, { ...context, siblings });
      const drifted = aws.state === 'drifted';
      return { ...item, aws, keptForAws: drifted, reason: `${item.reason}; ${drifted ? 'AWS differs from its spec: ACK will change it back at its next resync (see below)' : verdictReason(aws)}` };
    }
    if (item.action !== 'hand-over') return item;
    if (!needsAwsCheck(item.kind.kind as AckKindName)) return { ...item, reason: `${item.reason}; a job: SageMaker can neither change nor delete it, so AWS is not read` };
    const aws = await checkWithAws(item.object, item.kind, { ...context, siblings });
    const ended = overlapEnded(item.object, item.kind, context.controllers);
    const note = ended ? ` (${ended})` : '';
    if (aws.state === 'in-sync') return { ...item, aws, reason: `${item.reason}; AWS matches its spec${note}` };
    if (aws.state === 'drifted' && refreshSpec) return { ...item, aws, refresh: true, reason: `${item.reason}; AWS changed since adoption: its spec is refreshed from AWS first${note}` };
    return { ...item, aws, action: 'keep', keptForAws: true, reason: `${verdictReason(aws)}${note}` };
  });
}

const MAX_CONFLICT_RETRIES = 5;

/**
 * Releases one checked object: refreshes its spec from AWS if asked, compares with AWS again just before (AWS may
 * have changed since the check), and only then removes read-only. Every write carries the resourceVersion it was
 * decided on; a conflict (ACK writes status after a spec change, and at each resync) re-reads the object and
 * decides again. Returns the item as it ended.
 */
export async function releaseChecked(item: HandoverItem, client: KubeClient, context: AwsCheckContext, options: HandoverAwsOptions): Promise<HandoverItem> {
  if (!needsAwsCheck(item.kind.kind as AckKindName)) {
    await handOver(item, client, options.deletionPolicy);
    return item;
  }
  const reread = async (): Promise<KubeObject> => await client.get(item.kind, item.object.metadata.name, item.object.metadata.namespace);
  let object = item.object;
  let refreshed = !item.refresh;
  for (let attempt = 0; ; attempt += 1) {
    if (attempt > 0) {
      object = await reread();
      const changed = object.metadata.uid !== item.object.metadata.uid || object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] !== 'true' || object.metadata.annotations?.[ACK_ANNOTATIONS.adopted] !== 'true';
      if (changed) return { ...item, object, action: 'keep', reason: 'it changed while this run was deciding (replaced, released, or no longer marked adopted): run handover again' };
    }
    const verdict = await checkWithAws(object, item.kind, context);
    try {
      if (!refreshed && verdict.state === 'drifted') {
        object = await refreshSpecFromAws(client, object, item.kind, verdict);
        refreshed = true;
        continue;
      }
      if (verdict.state !== 'in-sync') {
        return { ...item, object, aws: verdict, action: 'keep', keptForAws: true, reason: `AWS changed again just before release: ${verdictReason(verdict)}` };
      }
      await handOver({ ...item, object }, client, options.deletionPolicy);
      return { ...item, object, aws: verdict };
    } catch (error) {
      if (isConflict(error) && attempt < MAX_CONFLICT_RETRIES) continue;
      throw error;
    }
  }
}

/** The object as it would be after --refresh-spec, for -o yaml and dry runs: a GitOps repository can take it first. */
export function refreshedManifest(item: HandoverItem): KubeObject {
  const comparison = comparisonFor(item.kind.kind as keyof typeof ACK_KINDS);
  if (!comparison || item.aws?.state !== 'drifted') return item.object;
  const spec = { ...(item.object.spec ?? {}) };
  for (const operation of refreshOperations(comparison, spec, item.aws.awsSpec, item.object.metadata.resourceVersion ?? '')) {
    const field = operation.path.replace(/^\/spec\//, '');
    if (operation.op === 'remove') delete spec[field];
    else if (operation.op === 'add') spec[field] = operation.value;
  }
  const { resourceVersion: _version, managedFields: _managed, ...metadata } = item.object.metadata as KubeObject['metadata'] & { managedFields?: unknown };
  return { ...item.object, metadata, spec };
}

/** GitOps tools that would put the old spec back at their next sync unless Git is updated. */
export function gitOpsOwners(item: HandoverItem): string[] {
  return ownersOf(item.object).filter((owner) => !owner.startsWith('Helm release'));
}
