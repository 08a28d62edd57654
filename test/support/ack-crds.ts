// Stand-in CRDs for the ACK SageMaker and Application Auto Scaling kinds, used only when the real ones cannot be had
// (the Go module proxy here refuses the controllers' modules). They carry the real group, version, kind, plural,
// scope, status subresource and the spec fields each real CRD marks required; other fields are left open.
// Written for this project from the facts in shared/reference/ack.md section 3.1 and 4.1; not a copy of upstream files.

import type { Crd } from './crds.ts';

interface StandInKind {
  group: string;
  kind: string;
  plural: string;
  requiredSpec: string[];
}

const SAGEMAKER = 'sagemaker.services.k8s.aws';
const AUTOSCALING = 'applicationautoscaling.services.k8s.aws';

const STAND_IN_KINDS: StandInKind[] = [
  { group: SAGEMAKER, kind: 'TrainingJob', plural: 'trainingjobs', requiredSpec: ['algorithmSpecification', 'outputDataConfig', 'resourceConfig', 'roleARN', 'stoppingCondition', 'trainingJobName'] },
  { group: SAGEMAKER, kind: 'HyperParameterTuningJob', plural: 'hyperparametertuningjobs', requiredSpec: ['hyperParameterTuningJobConfig', 'hyperParameterTuningJobName'] },
  { group: SAGEMAKER, kind: 'TransformJob', plural: 'transformjobs', requiredSpec: ['modelName', 'transformInput', 'transformJobName', 'transformOutput', 'transformResources'] },
  { group: SAGEMAKER, kind: 'ProcessingJob', plural: 'processingjobs', requiredSpec: ['appSpecification', 'processingJobName', 'processingResources', 'roleARN'] },
  { group: SAGEMAKER, kind: 'Model', plural: 'models', requiredSpec: ['modelName'] },
  { group: SAGEMAKER, kind: 'EndpointConfig', plural: 'endpointconfigs', requiredSpec: ['endpointConfigName', 'productionVariants'] },
  { group: SAGEMAKER, kind: 'Endpoint', plural: 'endpoints', requiredSpec: ['endpointConfigName', 'endpointName'] },
  { group: AUTOSCALING, kind: 'ScalableTarget', plural: 'scalabletargets', requiredSpec: ['resourceID', 'scalableDimension', 'serviceNamespace'] },
  { group: AUTOSCALING, kind: 'ScalingPolicy', plural: 'scalingpolicies', requiredSpec: ['policyName', 'resourceID', 'scalableDimension', 'serviceNamespace'] },
];

export function ackStandInCrds(): Crd[] {
  return STAND_IN_KINDS.map((standIn) => ({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${standIn.plural}.${standIn.group}`, annotations: { 'sagemaker-migrate.test/stand-in': 'true' } },
    spec: {
      group: standIn.group,
      names: { kind: standIn.kind, listKind: `${standIn.kind}List`, plural: standIn.plural, singular: standIn.kind.toLowerCase() },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v1alpha1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: {
            openAPIV3Schema: {
              type: 'object',
              properties: {
                apiVersion: { type: 'string' },
                kind: { type: 'string' },
                metadata: { type: 'object' },
                spec: { type: 'object', required: standIn.requiredSpec, 'x-kubernetes-preserve-unknown-fields': true },
                status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
              },
            },
          },
        },
      ],
    },
  }));
}
