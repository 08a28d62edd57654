// Checks adopted ACK objects against AWS before a step that cannot be taken back (cleanup) or that lets ACK write
// (handover): whether the AWS resource still exists where ACK will look for it, and whether ACK would change it to
// match a spec that went stale while the object was read-only. Reads AWS only through an AwsReader.

import type { AwsLocation, AwsReader, AwsResourceKind } from '../../aws/reader.ts';
import { MigrateError } from '../../errors.ts';
import type { KubeClient } from '../../kube/client.ts';
import { stringAt, type KubeObject } from '../../kube/objects.ts';
import { ACK_ANNOTATIONS, SOURCES_ANNOTATION, type AckKind, type AckKindName } from '../model/ack-kinds.ts';
import { parseAdoptionFields } from '../model/adoption-state.ts';
import { comparisonFor, describeDifference, refreshOperations, specDifferences, unappliableDifferences, type FieldDifference } from '../model/aws-drift.ts';
import type { AckControllerInstall } from './controllers.ts';

export type AwsVerdict =
  | { state: 'in-sync'; location: AwsLocation; arn?: string; unappliable?: FieldDifference[] }
  | { state: 'drifted'; location: AwsLocation; differences: FieldDifference[]; awsSpec: Record<string, unknown> }
  | { state: 'missing'; location: AwsLocation; message: string }
  | { state: 'unreadable'; message: string };

export interface AwsCheckContext {
  reader: AwsReader;
  /** The ACK controllers found, for the region of an object that names none (their --aws-region). */
  controllers: AckControllerInstall[];
  /** The other ACK objects of the run, read whole: the Endpoint or EndpointConfig that used a vanished resource. */
  siblings: KubeObject[];
}

function kindName(kind: AckKind): AckKindName {
  return kind.kind as AckKindName;
}

/** What ACK reads AWS with: the identifiers in the spec (adoption-fields before ACK has written the spec). */
export function identifiersOf(object: KubeObject, kind: AckKind): Record<string, string> {
  const fields = parseAdoptionFields(object.metadata.annotations?.[ACK_ANNOTATIONS.adoptionFields]);
  const identifiers: Record<string, string> = {};
  for (const field of [kind.primaryField, ...kind.additionalFields]) {
    const value = stringAt(object, `spec.${field}`) ?? fields[field];
    if (value !== undefined) identifiers[field] = value;
  }
  return identifiers;
}

/**
 * Where ACK looks for the resource: the object's region annotation, else the region ACK recorded when it adopted it,
 * else its controller's --aws-region. The account is the one ACK recorded (ownerAccountID).
 */
export function locationOf(object: KubeObject, kind: AckKind, controllers: AckControllerInstall[]): AwsLocation | undefined {
  const region =
    object.metadata.annotations?.[ACK_ANNOTATIONS.region] ??
    stringAt(object, 'status.ackResourceMetadata.region') ??
    controllers.find((install) => install.controller === kind.controller && install.awsRegion)?.awsRegion;
  if (!region) return undefined;
  return { region, account: stringAt(object, 'status.ackResourceMetadata.ownerAccountID') };
}

export async function checkWithAws(object: KubeObject, kind: AckKind, context: AwsCheckContext): Promise<AwsVerdict> {
  const location = locationOf(object, kind, context.controllers);
  if (!location) {
    return { state: 'unreadable', message: 'its region is unknown (no region annotation, no ACK metadata, no --aws-region on its controller)' };
  }
  try {
    const found = await context.reader.describe(kindName(kind) as AwsResourceKind, identifiersOf(object, kind), location);
    if (!found.exists) return { state: 'missing', location, message: await whatReplaced(object, kind, location, context) };
    const comparison = comparisonFor(kindName(kind));
    const differences = comparison ? specDifferences(comparison, object.spec ?? {}, found.spec) : [];
    if (differences.length === 0) {
      // Nothing ACK could roll back; what it cannot apply (a kind SageMaker cannot update) it reports as an error.
      const unappliable = unappliableDifferences(kindName(kind), object.spec ?? {}, found.spec);
      return { state: 'in-sync', location, ...(found.arn ? { arn: found.arn } : {}), ...(unappliable.length > 0 ? { unappliable } : {}) };
    }
    return { state: 'drifted', location, differences, awsSpec: found.spec };
  } catch (error) {
    if (error instanceof MigrateError) return { state: 'unreadable', message: error.message };
    throw error;
  }
}

function awsName(object: KubeObject, kind: AckKind): string {
  return stringAt(object, `spec.${kind.primaryField}`) ?? parseAdoptionFields(object.metadata.annotations?.[ACK_ANNOTATIONS.adoptionFields])[kind.primaryField] ?? object.metadata.name;
}

/** For a vanished resource: which endpoint used it and what that endpoint serves now, when the run shows it. */
async function whatReplaced(object: KubeObject, kind: AckKind, location: AwsLocation, context: AwsCheckContext): Promise<string> {
  const name = awsName(object, kind);
  const gone = `${kind.kind} ${name} no longer exists in AWS (${location.region})`;
  if (kind.kind === 'Endpoint') return `${gone}: after release ACK would create it again; find out who deleted it before going on`;
  const sameNamespace = context.siblings.filter((sibling) => sibling.metadata.namespace === object.metadata.namespace);
  let configName = kind.kind === 'EndpointConfig' ? name : undefined;
  if (kind.kind === 'Model') {
    const config = sameNamespace.find(
      (sibling) => sibling.kind === 'EndpointConfig' && ((sibling.spec?.['productionVariants'] as Array<{ modelName?: string }> | undefined) ?? []).some((variant) => variant.modelName === name),
    );
    configName = config ? stringAt(config, 'spec.endpointConfigName') : undefined;
  }
  // Once --refresh-spec has moved the Endpoint's spec to the new config, only their common HostingDeployment links them.
  const endpoint = (configName ? sameNamespace.find((sibling) => sibling.kind === 'Endpoint' && stringAt(sibling, 'spec.endpointConfigName') === configName) : undefined)
    ?? sameNamespace.find((sibling) => sibling.kind === 'Endpoint' && hostingDeploymentsOf(sibling).some((source) => hostingDeploymentsOf(object).includes(source)));
  const endpointName = endpoint ? stringAt(endpoint, 'spec.endpointName') : undefined;
  if (!endpointName) return `${gone} (deleted or replaced outside ACK): it is kept; delete this ACK object, or adopt what replaced it first`;
  const serving = await context.reader.endpointServing(endpointName, location);
  if (!serving) return `${gone}, nor does endpoint ${endpointName} that used it`;
  return `${gone}: it was replaced (the old operator replaces a HostingDeployment's model and config when it is edited); endpoint ${endpointName} now serves EndpointConfig ${serving.endpointConfigName} with model(s) ${serving.modelNames.join(', ') || '(none)'}: adopt those first (plan shows them as targets), if not done yet; this ACK object then stands for nothing in AWS: delete this ACK object (its resource is gone, so ACK has nothing to delete there)`;
}

/** The HostingDeployments this tool made an ACK object for (its sources annotation), as `HostingDeployment ns/name`. */
function hostingDeploymentsOf(object: KubeObject): string[] {
  return (object.metadata.annotations?.[SOURCES_ANNOTATION] ?? '').split(', ').filter((source) => source.startsWith('HostingDeployment '));
}

/** One line per verdict that stops an object, for tables; the field-by-field report is `driftLines`. */
export function verdictReason(verdict: AwsVerdict): string {
  switch (verdict.state) {
    case 'in-sync': return 'AWS matches its spec';
    case 'drifted': return `AWS changed since adoption: releasing it would let ACK roll back ${verdict.differences.length} field(s) (see below)`;
    case 'missing': return verdict.message;
    case 'unreadable': return `AWS could not be read: ${verdict.message}`;
  }
}

/** `  maxCapacity: 4 (ACK spec) -> 8 (AWS)` for each difference. */
export function driftLines(verdict: AwsVerdict): string[] {
  return verdict.state === 'drifted' ? verdict.differences.map((difference) => `  ${describeDifference(difference)}`) : [];
}

/** What ACK cannot apply to a resource SageMaker cannot update: a warning, never a reason to stop. */
export function unappliableWarning(objectName: string, verdict: AwsVerdict): string | undefined {
  if (verdict.state !== 'in-sync' || !verdict.unappliable) return undefined;
  return `${objectName}: its spec differs from AWS where SageMaker cannot update it, so ACK will report an error after release (AWS is not changed): ${verdict.unappliable.map(describeDifference).join('; ')}`;
}

/**
 * Writes AWS's current values into a drifted object's spec while it is still read-only (ACK writes nothing to AWS
 * while read-only), guarded by the resourceVersion read. Returns the object as the API server stored it.
 */
export async function refreshSpecFromAws(client: KubeClient, object: KubeObject, kind: AckKind, verdict: AwsVerdict & { state: 'drifted' }): Promise<KubeObject> {
  const comparison = comparisonFor(kindName(kind))!;
  const operations = refreshOperations(comparison, object.spec ?? {}, verdict.awsSpec, object.metadata.resourceVersion ?? '');
  if (operations.length === 0) return object;
  return await client.jsonPatch(kind, object.metadata.name, object.metadata.namespace, operations);
}

/**
 * Why the overlap may already have ended for this object, or undefined: its read-only annotation is gone, or the
 * controller that reconciles it has the ReadOnlyResources gate off (then ACK ignores read-only altogether).
 */
export function overlapEnded(object: KubeObject, kind: AckKind, controllers: AckControllerInstall[]): string | undefined {
  if (object.metadata.annotations?.[ACK_ANNOTATIONS.readOnly] !== 'true') return 'it is no longer read-only, so ACK may already have written to AWS';
  const gateOff = controllers.find(
    (install) =>
      install.controller === kind.controller &&
      (install.watchNamespaces === undefined || install.watchNamespaces.includes(object.metadata.namespace ?? '')) &&
      install.featureGates['ReadOnlyResources'] === false,
  );
  if (gateOff) return `Deployment ${gateOff.namespace}/${gateOff.name} runs with the ReadOnlyResources feature gate off, so ACK ignores read-only and may already have written to AWS`;
  return undefined;
}
