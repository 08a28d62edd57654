// The AWS side of the adoption simulator when no moto is given: an in-memory table of the resources that exist, and
// what a Describe of each returns as ACK writes it (ARN, status fields, the ACK.ResourceSynced message of the
// sagemaker-controller). With moto, ack-aws.ts plays that part.

import { createHash } from 'node:crypto';

export interface SimulatedAwsResource {
  group: string;
  kind: string;
  region: string;
  identifiers: Record<string, string>;
  /** The spec ACK reads back from a Describe call; the identifiers are added to it. */
  spec?: Record<string, unknown>;
  /** Status fields of the kind, e.g. { endpointStatus: 'InService' } or { trainingJobStatus: 'InProgress' }. */
  status?: Record<string, unknown>;
  /** The resource's ARN when it cannot be derived from its identifiers (Application Auto Scaling's are opaque). */
  arn?: string;
}

export interface SimulatedKind {
  group: string;
  version: 'v1alpha1';
  kind: string;
  plural: string;
  namespaced: true;
  primaryField: string;
  /** Identifiers ACK needs besides the primary one (adoption-fields, or AdoptedResource additionalKeys). */
  requiredFields: string[];
  /** The ARN resource type of SageMaker kinds (e.g. training-job), empty for Application Auto Scaling. */
  arnType: string;
  /** The status field sagemaker-controller's SetSyncedCondition reads, and the values it treats as still changing. */
  lifecycle?: { field: string; modifying: string[] };
}

const SAGEMAKER = 'sagemaker.services.k8s.aws';
const AUTOSCALING = 'applicationautoscaling.services.k8s.aws';
const JOB_MODIFYING = ['InProgress', 'Stopping'];

function kind(group: string, name: string, plural: string, primaryField: string, arnType: string, extra: Partial<SimulatedKind> = {}): SimulatedKind {
  return { group, version: 'v1alpha1', kind: name, plural, namespaced: true, primaryField, requiredFields: [primaryField], arnType, ...extra };
}

export const SIMULATED_KINDS: SimulatedKind[] = [
  kind(SAGEMAKER, 'TrainingJob', 'trainingjobs', 'trainingJobName', 'training-job', { lifecycle: { field: 'trainingJobStatus', modifying: JOB_MODIFYING } }),
  kind(SAGEMAKER, 'HyperParameterTuningJob', 'hyperparametertuningjobs', 'hyperParameterTuningJobName', 'hyper-parameter-tuning-job', {
    lifecycle: { field: 'hyperParameterTuningJobStatus', modifying: JOB_MODIFYING },
  }),
  kind(SAGEMAKER, 'TransformJob', 'transformjobs', 'transformJobName', 'transform-job', { lifecycle: { field: 'transformJobStatus', modifying: JOB_MODIFYING } }),
  kind(SAGEMAKER, 'ProcessingJob', 'processingjobs', 'processingJobName', 'processing-job', { lifecycle: { field: 'processingJobStatus', modifying: JOB_MODIFYING } }),
  kind(SAGEMAKER, 'Model', 'models', 'modelName', 'model'),
  kind(SAGEMAKER, 'EndpointConfig', 'endpointconfigs', 'endpointConfigName', 'endpoint-config'),
  kind(SAGEMAKER, 'Endpoint', 'endpoints', 'endpointName', 'endpoint', {
    lifecycle: { field: 'endpointStatus', modifying: ['Creating', 'Updating', 'SystemUpdating', 'RollingBack', 'Deleting'] },
  }),
  kind(AUTOSCALING, 'ScalableTarget', 'scalabletargets', 'resourceID', '', { requiredFields: ['resourceID', 'serviceNamespace'] }),
  kind(AUTOSCALING, 'ScalingPolicy', 'scalingpolicies', 'resourceID', '', { requiredFields: ['resourceID', 'serviceNamespace'] }),
];

export function simulatedKind(group: string | undefined, name: string | undefined): SimulatedKind | undefined {
  return SIMULATED_KINDS.find((candidate) => candidate.group === group && candidate.kind === name);
}

export class SimulatedAws {
  readonly resources: SimulatedAwsResource[];
  readonly accountID: string;

  constructor(resources: SimulatedAwsResource[], accountID: string) {
    this.resources = resources;
    this.accountID = accountID;
  }

  /** ReadOne: the resource of this kind whose identifiers match every one given, or undefined (NotFound). */
  find(kind: SimulatedKind, identifiers: Record<string, string>, region: string): SimulatedAwsResource | undefined {
    return this.resources.find(
      (resource) =>
        resource.group === kind.group &&
        resource.kind === kind.kind &&
        resource.region === region &&
        resource.identifiers[kind.primaryField] === identifiers[kind.primaryField] &&
        Object.entries(identifiers).every(([field, value]) => resource.identifiers[field] === undefined || resource.identifiers[field] === value),
    );
  }

  /** The spec ACK writes on the object: exactly what Describe returns, identifiers included. */
  describedSpec(resource: SimulatedAwsResource): Record<string, unknown> {
    return { ...(resource.spec ?? {}), ...resource.identifiers };
  }

  arnOf(resource: SimulatedAwsResource, kind: SimulatedKind): string {
    if (resource.arn) return resource.arn;
    const prefix = `arn:aws:${kind.arnType ? 'sagemaker' : 'application-autoscaling'}:${resource.region}:${this.accountID}`;
    if (kind.arnType) return `${prefix}:${kind.arnType}/${resource.identifiers[kind.primaryField]}`;
    const id = createHash('sha256').update(JSON.stringify(resource.identifiers)).digest('hex').slice(0, 32);
    if (kind.kind === 'ScalableTarget') return `${prefix}:scalable-target/${id}`;
    const { resourceID, serviceNamespace, policyName } = resource.identifiers;
    return `arn:aws:autoscaling:${resource.region}:${this.accountID}:scalingPolicy:${id}:resource/${serviceNamespace}/${resourceID}:policyName/${policyName}`;
  }

}

/** ACK.ResourceSynced as sagemaker-controller sets it: from the kind's lifecycle status where it has one. */
export function syncedCondition(status: Record<string, unknown>, kind: SimulatedKind, now: string): Record<string, unknown> {
  const lifecycle = kind.lifecycle ? status[kind.lifecycle.field] : undefined;
  if (kind.lifecycle && typeof lifecycle === 'string') {
    const changing = kind.lifecycle.modifying.includes(lifecycle);
    return { type: 'ACK.ResourceSynced', status: changing ? 'False' : 'True', message: `${kind.kind} is in ${lifecycle} status.`, lastTransitionTime: now };
  }
  return { type: 'ACK.ResourceSynced', status: 'True', message: 'Resource synced successfully', reason: '', lastTransitionTime: now };
}
