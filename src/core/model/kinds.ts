// The old operator's kinds (sagemaker.aws.amazon.com/v1), described once as data: where each keeps the names of the
// AWS resources it created, and which ACK kinds take them over. Adding a kind means adding a row.

import type { KubeObject, ResourceType } from '../../kube/objects.ts';
import type { AckKindName } from './ack-kinds.ts';
import type { SpecSource } from './spec-translation.ts';

export const OLD_GROUP = 'sagemaker.aws.amazon.com';
export const OLD_VERSION = 'v1';

/** A value read from the old object: the first non-empty string among paths, else the fallback constant. */
export interface FieldRule {
  paths?: string[];
  fallback?: string;
  /** The current item of a forEach expansion (a string item, or itemField of an object item). */
  fromItem?: true;
}

/** Expands one rule into one target per list item (HostingDeployment models, autoscaling resource IDs). */
export interface ForEachRule {
  list: string;
  itemField?: string;
  /** When the list is empty, build the items from this spec list with a template over each entry's fields. */
  fallbackList?: { path: string; template: string };
}

export interface TargetRule {
  ack: AckKindName;
  forEach?: ForEachRule;
  /** Every identifier field of the ACK kind, keyed by its adoption-fields name. */
  identifiers: Record<string, FieldRule>;
  /** How the ACK object's spec is translated from the old object (spec-translation.ts). */
  spec: SpecSource;
}

export interface OldKind extends ResourceType {
  /** The status field that carries the operator's view of the resource's state, for display. */
  phasePath: string;
  /** Phases after which nothing is running in AWS: a finished job can be cleaned without adoption if asked. */
  finishedPhases: string[];
  targets: TargetRule[];
}

const SAGEMAKER_VARIANT_DIMENSION = 'sagemaker:variant:DesiredInstanceCount';
export const DEFAULT_SCALING_POLICY_NAME = 'SageMakerEndpointInvocationScalingPolicy';
const JOB_FINISHED = ['Completed', 'Failed', 'Stopped'];

function oldKind(kind: string, plural: string, phasePath: string, finishedPhases: string[], targets: TargetRule[]): OldKind {
  return { group: OLD_GROUP, version: OLD_VERSION, kind, plural, namespaced: true, phasePath, finishedPhases, targets };
}

const autoscalingIdentifiers = {
  resourceID: { fromItem: true },
  serviceNamespace: { fallback: 'sagemaker' },
  scalableDimension: { paths: ['spec.scalableDimension'], fallback: SAGEMAKER_VARIANT_DIMENSION },
} as const satisfies Record<string, FieldRule>;

const autoscalingResources: ForEachRule = {
  list: 'status.resourceIDList',
  fallbackList: { path: 'spec.resourceId', template: 'endpoint/{endpointName}/variant/{variantName}' },
};

export const OLD_KINDS: OldKind[] = [
  oldKind('TrainingJob', 'trainingjobs', 'status.trainingJobStatus', JOB_FINISHED, [
    { ack: 'TrainingJob', spec: 'old-spec', identifiers: { trainingJobName: { paths: ['status.sageMakerTrainingJobName', 'spec.trainingJobName'] } } },
  ]),
  oldKind('HyperparameterTuningJob', 'hyperparametertuningjobs', 'status.hyperParameterTuningJobStatus', JOB_FINISHED, [
    {
      ack: 'HyperParameterTuningJob',
      spec: 'old-spec',
      identifiers: { hyperParameterTuningJobName: { paths: ['status.sageMakerHyperParameterTuningJobName', 'spec.hyperParameterTuningJobName'] } },
    },
  ]),
  oldKind('BatchTransformJob', 'batchtransformjobs', 'status.transformJobStatus', JOB_FINISHED, [
    { ack: 'TransformJob', spec: 'old-spec', identifiers: { transformJobName: { paths: ['status.sageMakerTransformJobName', 'spec.transformJobName'] } } },
  ]),
  oldKind('ProcessingJob', 'processingjobs', 'status.processingJobStatus', JOB_FINISHED, [
    { ack: 'ProcessingJob', spec: 'old-spec', identifiers: { processingJobName: { paths: ['status.sageMakerProcessingJobName'] } } },
  ]),
  oldKind('Model', 'models', 'status.status', [], [
    { ack: 'Model', spec: 'old-spec', identifiers: { modelName: { paths: ['status.sageMakerModelName'] } } },
  ]),
  oldKind('EndpointConfig', 'endpointconfigs', 'status.status', [], [
    { ack: 'EndpointConfig', spec: 'old-spec', identifiers: { endpointConfigName: { paths: ['status.sageMakerEndpointConfigName'] } } },
  ]),
  oldKind('HostingDeployment', 'hostingdeployments', 'status.endpointStatus', [], [
    { ack: 'Endpoint', spec: 'hosting-endpoint', identifiers: { endpointName: { paths: ['status.endpointName', 'spec.endpointName'] } } },
    { ack: 'EndpointConfig', spec: 'hosting-endpoint-config', identifiers: { endpointConfigName: { paths: ['status.endpointConfigName'] } } },
    { ack: 'Model', spec: 'hosting-model', forEach: { list: 'status.modelNames', itemField: 'value' }, identifiers: { modelName: { fromItem: true } } },
  ]),
  oldKind('HostingAutoscalingPolicy', 'hostingautoscalingpolicies', 'status.hostingAutoscalingPolicyStatus', [], [
    { ack: 'ScalableTarget', spec: 'autoscaling-target', forEach: autoscalingResources, identifiers: autoscalingIdentifiers },
    {
      ack: 'ScalingPolicy',
      spec: 'autoscaling-policy',
      forEach: autoscalingResources,
      identifiers: { ...autoscalingIdentifiers, policyName: { paths: ['status.policyName', 'spec.policyName'], fallback: DEFAULT_SCALING_POLICY_NAME } },
    },
  ]),
];

/** The old kind of an object, by its apiVersion and kind; undefined for anything else. */
export function oldKindOf(object: KubeObject): OldKind | undefined {
  return OLD_KINDS.find((kind) => object.apiVersion === `${kind.group}/${kind.version}` && object.kind === kind.kind);
}

export function oldKindByName(name: string): OldKind | undefined {
  const lower = name.toLowerCase();
  return OLD_KINDS.find(
    (kind) => kind.kind.toLowerCase() === lower || kind.plural === lower || `${kind.plural}.${OLD_GROUP}` === lower || kind.kind.toLowerCase() + 's' === lower,
  );
}

/** Finalizers the old operator puts on its objects. */
export const OLD_FINALIZERS = {
  resource: 'sagemaker-operator-finalizer',
  tuningJobChild: 'sagemaker-operator-hpo-trainingjob',
} as const;

/** Labels the old operator puts on the Model and EndpointConfig objects it creates for a HostingDeployment. */
export const HOSTING_DEPLOYMENT_OWNER_LABELS = {
  name: 'owner_HostingDeployment_name',
  namespace: 'owner_HostingDeployment_namespace',
} as const;
