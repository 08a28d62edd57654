// The ACK kinds that take over old-operator resources: where they live and which fields identify the AWS resource.

import type { ResourceType } from '../../kube/objects.ts';

export const SAGEMAKER_GROUP = 'sagemaker.services.k8s.aws';
export const AUTOSCALING_GROUP = 'applicationautoscaling.services.k8s.aws';
export const ACK_CORE_GROUP = 'services.k8s.aws';

export type AckController = 'sagemaker' | 'applicationautoscaling';

export interface AckKind extends ResourceType {
  controller: AckController;
  /** The identifier that AdoptedResource takes as spec.aws.nameOrID. */
  primaryField: string;
  /** Further identifiers: AdoptedResource spec.aws.additionalKeys; all of them go into adoption-fields too. */
  additionalFields: string[];
  /** Spec fields the ACK CRD requires whenever a spec is given (helm/crds of the controllers). */
  requiredSpec: string[];
}

function ackKind(controller: AckController, kind: string, plural: string, primaryField: string, requiredSpec: string[], additionalFields: string[] = []): AckKind {
  const group = controller === 'sagemaker' ? SAGEMAKER_GROUP : AUTOSCALING_GROUP;
  return { group, version: 'v1alpha1', kind, plural, namespaced: true, controller, primaryField, additionalFields, requiredSpec };
}

export const ACK_KINDS = {
  TrainingJob: ackKind('sagemaker', 'TrainingJob', 'trainingjobs', 'trainingJobName', ['algorithmSpecification', 'outputDataConfig', 'resourceConfig', 'roleARN', 'stoppingCondition', 'trainingJobName']),
  HyperParameterTuningJob: ackKind('sagemaker', 'HyperParameterTuningJob', 'hyperparametertuningjobs', 'hyperParameterTuningJobName', ['hyperParameterTuningJobConfig', 'hyperParameterTuningJobName']),
  TransformJob: ackKind('sagemaker', 'TransformJob', 'transformjobs', 'transformJobName', ['modelName', 'transformInput', 'transformJobName', 'transformOutput', 'transformResources']),
  ProcessingJob: ackKind('sagemaker', 'ProcessingJob', 'processingjobs', 'processingJobName', ['appSpecification', 'processingJobName', 'processingResources', 'roleARN']),
  Model: ackKind('sagemaker', 'Model', 'models', 'modelName', ['modelName']),
  EndpointConfig: ackKind('sagemaker', 'EndpointConfig', 'endpointconfigs', 'endpointConfigName', ['endpointConfigName', 'productionVariants']),
  Endpoint: ackKind('sagemaker', 'Endpoint', 'endpoints', 'endpointName', ['endpointConfigName', 'endpointName']),
  ScalableTarget: ackKind('applicationautoscaling', 'ScalableTarget', 'scalabletargets', 'resourceID', ['resourceID', 'scalableDimension', 'serviceNamespace'], ['serviceNamespace', 'scalableDimension']),
  ScalingPolicy: ackKind('applicationautoscaling', 'ScalingPolicy', 'scalingpolicies', 'resourceID', ['policyName', 'resourceID', 'scalableDimension', 'serviceNamespace'], ['serviceNamespace', 'scalableDimension', 'policyName']),
} as const satisfies Record<string, AckKind>;

export type AckKindName = keyof typeof ACK_KINDS;

export const ADOPTED_RESOURCE_TYPE: ResourceType = {
  group: ACK_CORE_GROUP,
  version: 'v1alpha1',
  kind: 'AdoptedResource',
  plural: 'adoptedresources',
  namespaced: true,
};

/** Annotation and finalizer names the ACK runtime reads and writes. */
export const ACK_ANNOTATIONS = {
  adoptionPolicy: 'services.k8s.aws/adoption-policy',
  adoptionFields: 'services.k8s.aws/adoption-fields',
  adopted: 'services.k8s.aws/adopted',
  readOnly: 'services.k8s.aws/read-only',
  deletionPolicy: 'services.k8s.aws/deletion-policy',
  region: 'services.k8s.aws/region',
} as const;

export function ackFinalizer(kind: AckKind): string {
  return `finalizers.${kind.group}/${kind.kind}`;
}

export function ackKindByGroupKind(group: string, kind: string): AckKind | undefined {
  return Object.values(ACK_KINDS).find((candidate) => candidate.group === group && candidate.kind === kind);
}

// This tool's own markers on the objects it makes: what `status`, `handover` and `undo` recognise them by.
export const MANAGED_BY_LABEL = { 'app.kubernetes.io/managed-by': 'kubectl-sagemaker-migrate' } as const;
export const SOURCES_ANNOTATION = 'kubectl-sagemaker-migrate/sources';
