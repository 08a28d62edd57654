// Creates the ACK objects a plan calls for. Idempotent: an object that already exists is left as it is, so a rerun
// after any interruption creates only what is still missing.

import type { KubeClient } from '../../kube/client.ts';
import { isAlreadyExists } from '../../kube/errors.ts';
import type { KubeObject, ResourceType } from '../../kube/objects.ts';
import { ACK_KINDS, ADOPTED_RESOURCE_TYPE } from '../model/ack-kinds.ts';
import { MigrateError, SafetyRefusal } from '../../errors.ts';
import { manifestsToCreate } from '../plan/manifests.ts';
import type { MigrationPlan, PlannedTarget } from '../plan/plan.ts';

export interface AdoptOutcome {
  target: PlannedTarget;
  manifest: KubeObject;
  result: 'created' | 'validated' | 'already-exists' | 'failed';
  message?: string;
}

export interface AdoptOptions {
  /** Send every create with dryRun=All: the API server validates, nothing is stored. */
  serverDryRun: boolean;
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
  const outcomes: AdoptOutcome[] = [];
  for (const { target, manifest } of manifestsToCreate(plan)) {
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
    outcomes.push(outcome);
  }
  return outcomes;
}

/** A translated spec this cluster's ACK CRD rejects does not block adoption: ACK fills the spec from AWS anyway. */
function withSpecHint(message: string, manifest: KubeObject): string {
  const specRejected = manifest.spec !== undefined && manifest.kind !== ADOPTED_RESOURCE_TYPE.kind && /unknown field|spec\./.test(message);
  return specRejected ? `${message} (rerun with --spec omit to leave the spec to ACK)` : message;
}
