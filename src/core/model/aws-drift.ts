// Compares an adopted ACK object's spec with what AWS describes now, field by field as ACK's generated delta does
// (pure). While an object is read-only ACK never updates its spec; once read-only ends, ACK sends every difference
// found here to AWS with the kind's update call: a rollback of whatever changed in AWS during the overlap.
//
// Where the tables come from (read in the controllers' sources; identical in both recorded eras):
// - Endpoint: sagemaker-controller v1.9.1 and v1.5.0 pkg/resource/endpoint/delta.go compares DeploymentConfig (read
//   from DescribeEndpoint's LastDeploymentConfig), EndpointConfigName and EndpointName; generator.yaml sets
//   Tags `compare.is_ignored`. Updated with UpdateEndpoint (RetainAllVariantProperties).
// - ScalableTarget: applicationautoscaling-controller v1.4.1 and v1.1.1 pkg/resource/scalable_target/delta.go
//   compares MaxCapacity, MinCapacity, ResourceID, RoleARN, ScalableDimension, ServiceNamespace and every key of
//   SuspendedState; custom_delta.go customSetDefaults first fills suspendedState keys the spec lacks from AWS;
//   RoleARN is late-initialized from AWS (generator.yaml), so a spec without it takes AWS's; tags are ignored.
//   Updated with RegisterScalableTarget.
// - ScalingPolicy: the same controller's scaling_policy/delta.go compares PolicyName, PolicyType, ResourceID,
//   ScalableDimension, ServiceNamespace and every field of StepScalingPolicyConfiguration and
//   TargetTrackingScalingPolicyConfiguration except CustomizedMetricSpecification.Metrics (ignored in
//   generator.yaml); tags are ignored. Updated with PutScalingPolicy.
// - Models, EndpointConfigs and jobs: SageMaker has no update for them; ACK reports an error instead of writing,
//   so a difference there is reported and never blocks.
// Values compare as the generated code does: a value against no value is a difference (HasNilDifference), an empty
// list is no list (apimachinery's semantic DeepEqual), numbers by value (80 and 80.0 are equal).

import type { AckKindName } from './ack-kinds.ts';

export interface KindComparison {
  /** Whether ACK can change the AWS resource to match the spec: a difference is then a rollback. */
  updatable: boolean;
  /** Top-level spec fields compared, identity included. */
  compared: string[];
  /** Fields that name the resource: never refreshed from AWS. */
  identity: string[];
  /** Fields ACK late-initializes: a spec without one takes AWS's value, so only a spec value can differ. */
  lateInitialized: string[];
  /** Objects whose keys missing in the spec are filled from AWS before comparing (customSetDefaults). */
  filledFromAws: string[];
  /** Dotted paths the delta skips. */
  ignored: string[];
}

const UPDATABLE: Partial<Record<AckKindName, KindComparison>> = {
  Endpoint: {
    updatable: true,
    compared: ['deploymentConfig', 'endpointConfigName', 'endpointName'],
    identity: ['endpointName'],
    lateInitialized: [],
    filledFromAws: [],
    ignored: [],
  },
  ScalableTarget: {
    updatable: true,
    compared: ['maxCapacity', 'minCapacity', 'resourceID', 'roleARN', 'scalableDimension', 'serviceNamespace', 'suspendedState'],
    identity: ['resourceID', 'scalableDimension', 'serviceNamespace'],
    lateInitialized: ['roleARN'],
    filledFromAws: ['suspendedState'],
    ignored: [],
  },
  ScalingPolicy: {
    updatable: true,
    compared: ['policyName', 'policyType', 'resourceID', 'scalableDimension', 'serviceNamespace', 'stepScalingPolicyConfiguration', 'targetTrackingScalingPolicyConfiguration'],
    identity: ['policyName', 'resourceID', 'scalableDimension', 'serviceNamespace'],
    lateInitialized: [],
    filledFromAws: [],
    ignored: ['targetTrackingScalingPolicyConfiguration.customizedMetricSpecification.metrics'],
  },
};

export function comparisonFor(kind: AckKindName): KindComparison | undefined {
  return UPDATABLE[kind];
}

/** Kinds SageMaker has no update call for: their identity fields, for the report of what ACK could not apply. */
const IMMUTABLE: Partial<Record<AckKindName, string[]>> = {
  Model: ['modelName'],
  EndpointConfig: ['endpointConfigName'],
};

/**
 * For a kind SageMaker cannot update (Model, EndpointConfig): the spec fields that differ from AWS, which ACK would try
 * to apply after release and report as an error (the resource itself is never changed). Only what the spec sets and
 * AWS answers is compared, key by key, so a field AWS describes but the spec leaves out is no difference; tags are
 * ignored as ACK ignores them.
 */
export function unappliableDifferences(kind: AckKindName, ackSpec: Record<string, unknown>, awsSpec: Record<string, unknown>): FieldDifference[] {
  const identity = IMMUTABLE[kind];
  if (!identity) return [];
  const differences: FieldDifference[] = [];
  const within = (path: string, ack: unknown, aws: unknown): void => {
    if (aws === undefined || aws === null) return;
    if (isRecord(ack) && isRecord(aws)) {
      for (const key of Object.keys(ack).sort()) within(`${path}.${key}`, ack[key], aws[key]);
      return;
    }
    if (Array.isArray(ack) && Array.isArray(aws) && ack.length === aws.length) {
      ack.forEach((entry, index) => within(`${path}[${index}]`, entry, aws[index]));
      return;
    }
    if (!sameValue(ack, aws)) differences.push({ path, ack, aws });
  };
  for (const field of Object.keys(ackSpec).sort()) {
    if (identity.includes(field) || field === 'tags') continue;
    within(field, ackSpec[field], awsSpec[field]);
  }
  return differences;
}

const JOBS = new Set<AckKindName>(['TrainingJob', 'HyperParameterTuningJob', 'TransformJob', 'ProcessingJob']);

/**
 * Whether releasing or cleaning up after this kind needs AWS read first. SageMaker can neither change nor delete a
 * job, and ACK found it where it looks when it adopted it, so there is nothing ACK could roll back or create again:
 * jobs are not read (a cluster can hold thousands, and SageMaker's Describe rates are low).
 */
export function needsAwsCheck(kind: AckKindName): boolean {
  return !JOBS.has(kind);
}

export interface FieldDifference {
  /** Dotted path inside spec, named as in the ACK spec, e.g. targetTrackingScalingPolicyConfiguration.targetValue. */
  path: string;
  ack: unknown;
  aws: unknown;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** No value at all: absent, null, or an empty list. */
function isNil(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0);
}

function sameValue(a: unknown, b: unknown): boolean {
  if (isNil(a) || isNil(b)) return isNil(a) && isNil(b);
  if (typeof a === 'number' && typeof b === 'number') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((entry, index) => sameValue(entry, b[index]));
  if (isRecord(a) && isRecord(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameValue(a[key], b[key]));
  }
  return a === b;
}

/** Leaf differences under one path, so a report names the field that changed rather than its whole parent. */
function collect(path: string, ack: unknown, aws: unknown, ignored: string[], into: FieldDifference[]): void {
  if (ignored.includes(path)) return;
  if (isRecord(ack) && isRecord(aws)) {
    for (const key of [...new Set([...Object.keys(ack), ...Object.keys(aws)])].sort()) collect(`${path}.${key}`, ack[key], aws[key], ignored, into);
    return;
  }
  if (!sameValue(ack, aws)) into.push({ path, ack: isNil(ack) ? undefined : ack, aws: isNil(aws) ? undefined : aws });
}

/** The spec as ACK sees it just before comparing: late-initialized and defaulted fields taken from AWS. */
function withAwsDefaults(comparison: KindComparison, ack: Record<string, unknown>, aws: Record<string, unknown>): Record<string, unknown> {
  const result = { ...ack };
  for (const field of comparison.lateInitialized) if (isNil(result[field]) && !isNil(aws[field])) result[field] = aws[field];
  for (const field of comparison.filledFromAws) {
    const fromAws = aws[field];
    if (!isRecord(fromAws)) continue;
    const own = isRecord(result[field]) ? (result[field] as Record<string, unknown>) : {};
    const filled = { ...own };
    for (const [key, value] of Object.entries(fromAws)) if (isNil(filled[key])) filled[key] = value;
    result[field] = filled;
  }
  return result;
}

/** Every compared field whose ACK spec value differs from AWS's; empty when ACK would write nothing. */
export function specDifferences(comparison: KindComparison, ackSpec: Record<string, unknown>, awsSpec: Record<string, unknown>): FieldDifference[] {
  const ack = withAwsDefaults(comparison, ackSpec, awsSpec);
  const differences: FieldDifference[] = [];
  for (const field of comparison.compared) {
    if (comparison.identity.includes(field)) continue;
    collect(field, ack[field], awsSpec[field], comparison.ignored, differences);
  }
  return differences;
}

export type JsonPatchOperation = { op: 'add' | 'replace'; path: string; value: unknown } | { op: 'remove'; path: string };

/**
 * The JSON patch that writes AWS's current values into the spec: each differing top-level field replaced whole by
 * AWS's value exactly as AWS returns it (a partial copy leaves the rest to be written back), or removed where AWS
 * returns none (an explicit false against a missing key is itself a difference). Identity fields are never touched.
 * Guarded by the resourceVersion read (the patched object carries it, so a concurrent change gives 409 Conflict
 * instead of being overwritten).
 */
export function refreshOperations(comparison: KindComparison, ackSpec: Record<string, unknown>, awsSpec: Record<string, unknown>, resourceVersion: string): JsonPatchOperation[] {
  const differing = new Set(specDifferences(comparison, ackSpec, awsSpec).map((difference) => difference.path.split('.')[0]!));
  const operations: JsonPatchOperation[] = [];
  for (const field of comparison.compared.filter((candidate) => differing.has(candidate) && !comparison.identity.includes(candidate))) {
    const value = awsSpec[field];
    if (isNil(value)) {
      if (field in ackSpec) operations.push({ op: 'remove', path: `/spec/${field}` });
    } else {
      operations.push({ op: 'add', path: `/spec/${field}`, value });
    }
  }
  return operations.length > 0 ? [{ op: 'replace', path: '/metadata/resourceVersion', value: resourceVersion }, ...operations] : [];
}

/** One difference as a person reads it: `maxCapacity: 4 (ACK spec) -> 8 (AWS)`. */
export function describeDifference(difference: FieldDifference): string {
  const show = (value: unknown): string => (value === undefined ? '(not set)' : typeof value === 'string' ? value : JSON.stringify(value));
  return `${difference.path}: ${show(difference.ack)} (ACK spec) -> ${show(difference.aws)} (AWS)`;
}
