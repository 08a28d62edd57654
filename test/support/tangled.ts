// Objects that tie namespaces together in every way the plan relates them (namespace-groups.ts), and namespaces tied
// to nothing: the same AWS model named in two namespaces, an ACK object adopting for an old object elsewhere, a
// migrated ACK object whose old object lived elsewhere, an AdoptedResource making its target in another namespace,
// a HostingDeployment child labelled with its parent's namespace.

import { ACK_ANNOTATIONS, MANAGED_BY_LABEL, SOURCES_ANNOTATION } from '../../src/core/model/ack-kinds.ts';
import type { MigrationPlan } from '../../src/core/plan/plan.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

export interface TangledObjects {
  oldObjects: KubeObject[];
  ackObjects: KubeObject[];
  adoptedResources: KubeObject[];
}

/** The namespace roles used; `ns` maps each to a real namespace, `aws` makes AWS names unique to a run. */
export const TANGLED_NAMESPACES = ['team-a', 'team-b', 'team-c', 'team-d', 'team-e', 'gone', 'child-home', 'parent-home', 'ar-home', 'ar-target', 'solo-1', 'solo-2'] as const;
export type TangledNamespace = (typeof TANGLED_NAMESPACES)[number];

export function tangledObjects(ns: (role: TangledNamespace) => string, aws: (name: string) => string = (name) => name): TangledObjects {
  const oldModel = (role: TangledNamespace, name: string, awsName: string, labels?: Record<string, string>): KubeObject => ({
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'Model',
    metadata: { name, namespace: ns(role), finalizers: ['sagemaker-operator-finalizer'], ...(labels ? { labels } : {}) },
    spec: { region: 'us-east-2', executionRoleArn: 'arn:aws:iam::123456789012:role/sagemaker-role' },
    status: { sageMakerModelName: aws(awsName) },
  });
  const adoptedModel = (role: TangledNamespace, awsName: string, source: string): KubeObject => ({
    apiVersion: 'sagemaker.services.k8s.aws/v1alpha1',
    kind: 'Model',
    metadata: {
      name: aws(awsName),
      namespace: ns(role),
      finalizers: ['finalizers.sagemaker.services.k8s.aws/Model'],
      labels: { ...MANAGED_BY_LABEL },
      annotations: {
        [ACK_ANNOTATIONS.adoptionPolicy]: 'adopt',
        [ACK_ANNOTATIONS.adoptionFields]: JSON.stringify({ modelName: aws(awsName) }),
        [ACK_ANNOTATIONS.adopted]: 'true',
        [SOURCES_ANNOTATION]: source,
      },
    },
    spec: { modelName: aws(awsName) },
  });
  return {
    oldObjects: [
      oldModel('team-b', 'm', 'shared-model'),
      oldModel('team-a', 'm', 'shared-model'),
      oldModel('team-c', 'm', 'adopted-elsewhere'),
      oldModel('team-e', 'other', 'still-here'),
      oldModel('child-home', 'hd-child', 'child-model', { owner_HostingDeployment_name: 'host', owner_HostingDeployment_namespace: ns('parent-home') }),
      oldModel('solo-1', 'm', 'solo-model-1'),
      oldModel('solo-2', 'm', 'solo-model-2'),
      {
        apiVersion: 'sagemaker.aws.amazon.com/v1',
        kind: 'EndpointConfig',
        metadata: { name: 'cfg', namespace: ns('ar-target'), finalizers: ['sagemaker-operator-finalizer'] },
        spec: { region: 'us-east-2', productionVariants: [{ variantName: 'AllTraffic', modelName: aws('solo-model-1'), initialInstanceCount: 1, instanceType: 'ml.m5.large' }] },
        status: { status: 'Created', sageMakerEndpointConfigName: aws('cfg-x') },
      },
    ],
    ackObjects: [
      adoptedModel('team-d', 'adopted-elsewhere', `Model ${ns('team-c')}/m`),
      adoptedModel('gone', 'finished', `Model ${ns('team-e')}/old`),
      adoptedModel('solo-2', 'solo-model-2', `Model ${ns('solo-2')}/m`),
    ],
    adoptedResources: [{
      apiVersion: 'services.k8s.aws/v1alpha1',
      kind: 'AdoptedResource',
      metadata: { name: `${aws('cfg-x')}-ar`, namespace: ns('ar-home'), labels: { ...MANAGED_BY_LABEL } },
      spec: { aws: { nameOrID: aws('cfg-x') }, kubernetes: { group: 'sagemaker.services.k8s.aws', kind: 'EndpointConfig', metadata: { name: aws('cfg-x'), namespace: ns('ar-target') } } },
    }],
  };
}

/** Plans of namespace groups come one group after another: compared with one plan, only the order may differ. */
export function orderless(plan: MigrationPlan) {
  return {
    ...plan,
    sources: [...plan.sources].sort((a, b) => `${a.kind} ${a.namespace}/${a.name}`.localeCompare(`${b.kind} ${b.namespace}/${b.name}`)),
    targets: [...plan.targets].sort((a, b) => a.key.localeCompare(b.key)),
    blockers: plan.blockers.map((blocker) => `${blocker.step}: ${blocker.message}`).sort(),
  };
}
