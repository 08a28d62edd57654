// Creates the ACK objects a plan calls for. Idempotent: an object that already exists is left as it is, so a rerun
// after any interruption creates only what is still missing.

import type { KubeClient } from '../../kube/client.ts';
import { isAlreadyExists } from '../../kube/errors.ts';
import type { KubeObject, ResourceType } from '../../kube/objects.ts';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../model/ack-kinds.ts';
import { inParallel } from '../model/in-parallel.ts';
import { MigrateError, SafetyRefusal } from '../../errors.ts';
import { manifestsToCreate } from '../plan/manifests.ts';
import { buildPlan, mergePlans, type MigrationPlan, type PlannedTarget } from '../plan/plan.ts';
import type { PlanOptions } from '../model/plan-types.ts';
import type { Inventory } from '../discovery/inventory.ts';
import type { AckControllerInstall } from '../discovery/controllers.ts';

export interface AdoptOutcome {
  target: PlannedTarget;
  manifest: KubeObject;
  result: 'created' | 'validated' | 'already-exists' | 'failed';
  message?: string;
}

export interface AdoptOptions {
  /** Send every create with dryRun=All: the API server validates, nothing is stored. */
  serverDryRun: boolean;
  /** Creates in flight at once. */
  concurrency: number;
  /** Called once, before the first create, with how many creates there will be. */
  onStart?: (total: number) => void;
  onOutcome?: (outcome: AdoptOutcome) => void;
}

export function refuseBlockedAdoption(plan: MigrationPlan): void {
  const blockers = plan.blockers.filter((blocker) => blocker.step === 'adopt');
  if (blockers.length > 0) {
    throw new SafetyRefusal(`cannot adopt: ${blockers.map((blocker) => blocker.message).join('; ')}`);
  }
}

export async function adopt(plan: MigrationPlan, client: KubeClient, options: AdoptOptions): Promise<AdoptOutcome[]> {
  refuseBlockedAdoption(plan);
  const creates = manifestsToCreate(plan);
  options.onStart?.(creates.length);
  return await inParallel(creates, options.concurrency, async ({ target, manifest }) => {
    const type: ResourceType = manifest.kind === ADOPTED_RESOURCE_TYPE.kind ? ADOPTED_RESOURCE_TYPE : ACK_KINDS[target.ackKind];
    let outcome: AdoptOutcome;
    try {
      await client.create(type, manifest, { dryRun: options.serverDryRun });
      outcome = { target, manifest, result: options.serverDryRun ? 'validated' : 'created' };
    } catch (error) {
      if (isAlreadyExists(error)) {
        outcome = { target, manifest, result: 'already-exists' };
      } else if (error instanceof MigrateError) {
        outcome = { target, manifest, result: 'failed', message: withSpecHint(error.message, manifest) };
      } else {
        throw error;
      }
    }
    options.onOutcome?.(outcome);
    return outcome;
  });
}

/** Targets whose plans are held and checked together before anything is created; beyond, one group at a time. */
export const CHECKED_TOGETHER_AT_MOST = 10_000;

/**
 * The plans to adopt, from inventories read one namespace group at a time (discoverByNamespaceGroup), each checked
 * for blockers before it is handed out. Up to `checkedTogether` targets, every group is planned before the first
 * plan is handed out, as one merged plan: a blocker anywhere stops the run before anything is created. Beyond that
 * (tens of thousands of objects), holding every plan would hold the cluster, so the groups read so far are handed
 * out as one plan and each later group alone: a blocker that only a later group has (a namespace without the right
 * to create) then stops the run after earlier groups were adopted, which a rerun resumes.
 */
export interface AdoptionBatch {
  plan: MigrationPlan;
  /** The ACK controllers installed, for the diagnosis of a wait that times out. */
  ackControllers: AckControllerInstall[] | undefined;
}

export async function* plansToAdopt(inventories: AsyncIterable<Inventory>, options: PlanOptions, checkedTogether = CHECKED_TOGETHER_AT_MOST): AsyncGenerator<AdoptionBatch> {
  let held: MigrationPlan[] | undefined = [];
  let heldTargets = 0;
  let ackControllers: AckControllerInstall[] | undefined;
  const checked = (plan: MigrationPlan): AdoptionBatch => {
    refuseBlockedAdoption(plan);
    return { plan, ackControllers };
  };
  for await (const inventory of inventories) {
    ackControllers = inventory.cluster?.ackControllers ?? ackControllers;
    const plan = buildPlan(inventory, options);
    if (!held) {
      yield checked(plan);
      continue;
    }
    held.push(plan);
    heldTargets += plan.targets.length;
    if (heldTargets > checkedTogether) {
      const merged = mergePlans(held);
      held = undefined;
      yield checked(merged);
    }
  }
  if (held && held.length > 0) yield checked(mergePlans(held));
}

/** A translated spec this cluster's ACK CRD rejects does not block adoption: ACK fills the spec from AWS anyway. */
function withSpecHint(message: string, manifest: KubeObject): string {
  const specRejected = manifest.spec !== undefined && manifest.kind !== ADOPTED_RESOURCE_TYPE.kind && /unknown field|spec\./.test(message);
  return specRejected ? `${message} (rerun with --spec omit to leave the spec to ACK)` : message;
}
