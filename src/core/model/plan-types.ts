// The migration plan's shape, shared by the step that builds it (plan.ts) and those that read it (manifests,
// controller checks, cleanup, handover): kept apart so that none of them imports another in a circle.

import type { AckController, AckKindName } from './ack-kinds.ts';
import type { AdoptionState } from './adoption-state.ts';

/** How ACK is asked to adopt: annotations on the ACK object, or an AdoptedResource (runtimes before Nov 2025). */
export type AdoptionMethod = 'annotation' | 'adopted-resource';
export type MethodRequest = AdoptionMethod | 'auto';

export interface MethodChoice {
  controller: AckController;
  method: AdoptionMethod | undefined;
  /** Why this method, or why none can be used (then a blocker). */
  reason: string;
}

export const PLAN_API_VERSION = 'kubectl-sagemaker-migrate/v1alpha1';

export type DeletionPolicy = 'retain' | 'delete';

/** Whether annotation-adopted ACK objects carry the spec translated from the old object, or none (ACK fills it). */
export type SpecMode = 'translate' | 'omit';

export interface PlanOptions {
  method: MethodRequest;
  deletionPolicy: DeletionPolicy;
  readOnly: boolean;
  spec: SpecMode;
  includeTuningJobChildren: boolean;
}

/** For reports that only read the plan (status, cleanup): the defaults, and no manifests to render. */
export const REPORT_PLAN_OPTIONS: PlanOptions = { method: 'auto', deletionPolicy: 'retain', readOnly: true, spec: 'omit', includeTuningJobChildren: false };

export type SourceRole = 'primary' | 'hosting-deployment-child' | 'tuning-job-child';

export interface PlannedSource {
  kind: string;
  namespace: string;
  name: string;
  uid: string | undefined;
  phase: string | undefined;
  role: SourceRole;
  parent?: string;
  targetKeys: string[];
  /** Why nothing is adopted for it, when that is so. */
  note?: string;
  /** GitOps or Helm owners that would re-create it after cleanup. */
  owners: string[];
}

export interface PlannedTarget {
  key: string;
  ackKind: AckKindName;
  namespace: string;
  name: string;
  method: AdoptionMethod | undefined;
  adoptedResourceName?: string;
  identifiers: Record<string, string>;
  region: string | undefined;
  awsName: string;
  state: AdoptionState;
  message?: string;
  synced?: string;
  /** ACK reports a problem syncing this adopted resource (see Observation.syncError). */
  syncError?: string;
  /** No controller has written anything on its ACK object yet. */
  untouched?: boolean;
  sources: string[];
  /** The translated ACK spec, for annotation adoption with --spec translate. */
  spec?: Record<string, unknown>;
  /** Required ACK spec fields the old object lacks; the manifest then has no spec, which the CRD accepts. */
  missingSpecFields?: string[];
}

export interface Blocker {
  step: 'adopt' | 'cleanup';
  message: string;
}

export interface MigrationPlan {
  apiVersion: typeof PLAN_API_VERSION;
  kind: 'MigrationPlan';
  context: string | undefined;
  deletionPolicy: DeletionPolicy;
  readOnly: boolean;
  spec: SpecMode;
  methods: MethodChoice[];
  sources: PlannedSource[];
  targets: PlannedTarget[];
  blockers: Blocker[];
  /** What could not be checked and may matter; nothing is refused for it. */
  warnings: string[];
}

/**
 * How an old object is named in plans, reports and the sources annotation on ACK objects, e.g.
 * `Model ml/churn-model`. status and handover read that annotation back, so this is the one place that builds it.
 */
export function sourceRef(kind: string, namespace: string | undefined, name: string): string {
  return `${kind} ${namespace ?? 'default'}/${name}`;
}
