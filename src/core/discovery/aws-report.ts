// `plan --aws` and `status --aws`: for each target, whether its AWS resource exists where ACK will look for it, and,
// for an adopted object, whether AWS changed since adoption so that ACK would change it back once read-only ends.

import type { AwsResourceKind } from '../../aws/reader.ts';
import type { KubeClient } from '../../kube/client.ts';
import { isNotFound } from '../../kube/errors.ts';
import type { KubeObject } from '../../kube/objects.ts';
import { MigrateError } from '../../errors.ts';
import { ACK_ANNOTATIONS, ACK_KINDS, type AckKindName } from '../model/ack-kinds.ts';
import { inParallel } from '../model/in-parallel.ts';
import { checkWithAws, identifiersOf, locationOf, verdictReason, type AwsCheckContext } from './aws-check.ts';
import { describeDifference, type FieldDifference } from '../model/aws-drift.ts';

export interface TargetToReport {
  ackKind: AckKindName;
  namespace: string;
  name: string;
  /** From the plan, for a target whose ACK object does not exist yet. */
  identifiers?: Record<string, string>;
  region?: string | undefined;
}

export type AwsState = 'in-aws' | 'not-in-aws' | 'drifted' | 'unreadable';

export interface AwsTargetReport {
  ackKind: AckKindName;
  namespace: string;
  name: string;
  aws: AwsState;
  region?: string;
  arn?: string;
  detail: string;
  differences?: FieldDifference[];
}

const CONCURRENCY = 8;

async function ackObjectOf(client: KubeClient, target: TargetToReport): Promise<KubeObject | undefined> {
  try {
    return await client.get(ACK_KINDS[target.ackKind], target.name, target.namespace);
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

function isAdopted(object: KubeObject): boolean {
  return object.metadata.annotations?.[ACK_ANNOTATIONS.adopted] === 'true';
}

async function reportOne(target: TargetToReport, object: KubeObject | undefined, context: Omit<AwsCheckContext, 'siblings'>, siblings: KubeObject[]): Promise<AwsTargetReport> {
  const kind = ACK_KINDS[target.ackKind];
  const base = { ackKind: target.ackKind, namespace: target.namespace, name: target.name };
  if (object && isAdopted(object)) {
    const verdict = await checkWithAws(object, kind, { ...context, siblings });
    const region = verdict.state === 'unreadable' ? undefined : verdict.location.region;
    const readOnly = object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] === 'true';
    const state: AwsState = verdict.state === 'in-sync' ? 'in-aws' : verdict.state === 'missing' ? 'not-in-aws' : verdict.state;
    const detail = verdict.state === 'drifted'
      ? readOnly ? 'AWS changed since adoption: handover would revert it (handover --refresh-spec takes AWS values)' : 'AWS differs from the spec: ACK changes it back at its next resync'
      : verdict.state === 'in-sync' && verdict.unappliable ? `its spec differs where SageMaker cannot update it: ACK will report an error after release (${verdict.unappliable.map(describeDifference).join('; ')})`
      : verdict.state === 'in-sync' ? verdict.arn ?? 'matches its spec' : verdictReason(verdict);
    return { ...base, aws: state, ...(region ? { region } : {}), ...(verdict.state === 'in-sync' && verdict.arn ? { arn: verdict.arn } : {}), detail, ...(verdict.state === 'drifted' ? { differences: verdict.differences } : {}) };
  }
  const identifiers = object ? identifiersOf(object, kind) : target.identifiers ?? {};
  // Not adopted yet: where ACK will look, the old object's region or else its controller's --aws-region.
  const fallbackRegion = target.region ?? context.controllers.find((install) => install.controller === kind.controller && install.awsRegion)?.awsRegion;
  const location = object ? locationOf(object, kind, context.controllers) : fallbackRegion ? { region: fallbackRegion, account: undefined } : undefined;
  if (!location) return { ...base, aws: 'unreadable', detail: 'its region is unknown (no region on the old object, no --aws-region on its controller)' };
  try {
    const found = await context.reader.describe(target.ackKind as AwsResourceKind, identifiers, location);
    if (!found.exists) return { ...base, aws: 'not-in-aws', region: location.region, detail: `not found in ${location.region}: there is nothing to adopt there` };
    return { ...base, aws: 'in-aws', region: location.region, ...(found.arn ? { arn: found.arn } : {}), detail: found.arn ?? 'exists' };
  } catch (error) {
    if (error instanceof MigrateError) return { ...base, aws: 'unreadable', region: location.region, detail: error.message };
    throw error;
  }
}

export async function reportTargetsInAws(targets: TargetToReport[], client: KubeClient | undefined, context: Omit<AwsCheckContext, 'siblings'>): Promise<AwsTargetReport[]> {
  const objects = await inParallel(targets, CONCURRENCY, async (target) => (client ? await ackObjectOf(client, target) : undefined));
  const siblings = objects.filter((object): object is KubeObject => object !== undefined);
  const pairs = targets.map((target, index) => ({ target, object: objects[index] }));
  return await inParallel(pairs, CONCURRENCY, async ({ target, object }) => await reportOne(target, object, context, siblings));
}
