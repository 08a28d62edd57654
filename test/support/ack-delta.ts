// The simulator's copy of ACK's generated delta (pkg/resource/<kind>/delta.go, newResourceDelta): which spec fields
// differ between the stored spec (desired) and what AWS describes (latest). Written from the sources of
// applicationautoscaling-controller v1.4.1 (scalable_target/delta.go + custom_delta.go, scaling_policy/delta.go) and
// sagemaker-controller v1.9.1 (endpoint/delta.go and the others; generator.yaml marks Tags `compare.is_ignored` on
// every SageMaker kind), whose generated code follows the same rules for every field:
// - a scalar or a struct present on one side only is a difference (ackcompare.HasNilDifference: `false` against a
//   missing key differs); two scalars compare by value (80 and 80.0 are one float64);
// - structs are compared field by field, recursively;
// - lists: a different length differs, otherwise any element differing (equality.Semantic.DeepEqual);
// - maps: a different length differs, otherwise any entry differing (an empty map equals a missing one).

import type { Schema } from './ack-aws.ts';

type Spec = Record<string, unknown>;

/** Spec fields each kind's delta leaves out (generator.yaml `compare: is_ignored: true`). */
const IGNORED: Record<string, string[]> = {
  TrainingJob: ['tags'],
  HyperParameterTuningJob: ['tags'],
  TransformJob: ['tags'],
  ProcessingJob: ['tags'],
  Model: ['tags'],
  EndpointConfig: ['tags'],
  Endpoint: ['tags'],
};

/**
 * ScalableTarget's customSetDefaults (custom_delta.go, the delta_pre_compare hook): a missing `suspendedState` or
 * a missing key of it takes AWS's value before comparing. It changes `desired` itself, so the update that follows
 * sends the filled-in SuspendedState.
 */
export function withAckDefaults(kind: string, desired: Spec, latest: Spec): Spec {
  if (kind !== 'ScalableTarget') return desired;
  const fromAws = latest['suspendedState'] as Spec | undefined;
  if (fromAws === undefined) return desired;
  const own = (desired['suspendedState'] as Spec | undefined) ?? {};
  const filled: Spec = { ...own };
  for (const key of ['dynamicScalingInSuspended', 'dynamicScalingOutSuspended', 'scheduledScalingSuspended']) {
    if (filled[key] === undefined && fromAws[key] !== undefined) filled[key] = fromAws[key];
  }
  return { ...desired, suspendedState: filled };
}

/** The paths that differ (`spec.maxCapacity`, `spec.targetTrackingScalingPolicyConfiguration.targetValue`, ...). */
export function ackDelta(kind: string, desired: Spec, latest: Spec, schema: Schema): string[] {
  const ignored = new Set(IGNORED[kind] ?? []);
  const differences: string[] = [];
  const fields = new Set([...Object.keys(desired), ...Object.keys(latest)].filter((field) => !ignored.has(field)));
  for (const field of [...fields].sort()) compare(`spec.${field}`, desired[field], latest[field], schema.properties?.[field] ?? {}, differences);
  return differences;
}

function compare(path: string, a: unknown, b: unknown, schema: Schema, differences: string[]): void {
  const isMap = schema.additionalProperties !== undefined && schema.additionalProperties !== false && !schema.properties;
  if (Array.isArray(a) || Array.isArray(b) || schema.type === 'array') {
    const left = (a as unknown[] | undefined) ?? [];
    const right = (b as unknown[] | undefined) ?? [];
    if (left.length !== right.length || !semanticallyEqual(left, right)) differences.push(path);
    return;
  }
  if (isMap) {
    const left = (a as Spec | undefined) ?? {};
    const right = (b as Spec | undefined) ?? {};
    if (!semanticallyEqual(left, right)) differences.push(path);
    return;
  }
  if ((a === undefined) !== (b === undefined)) {
    differences.push(path);
    return;
  }
  if (a === undefined) return;
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const left = a as Spec;
    const right = b as Spec;
    for (const field of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
      compare(`${path}.${field}`, left[field], right[field], schema.properties?.[field] ?? {}, differences);
    }
    return;
  }
  if (a !== b) differences.push(path);
}

/** equality.Semantic.DeepEqual over JSON values: numbers by value, keys present on one side only differ. */
function semanticallyEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((item, index) => semanticallyEqual(item, b[index]));
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null && !Array.isArray(a) && !Array.isArray(b)) {
    const left = a as Spec;
    const right = b as Spec;
    const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
    return [...keys].every((key) => key in left && key in right && semanticallyEqual(left[key], right[key]));
  }
  return a === b;
}
