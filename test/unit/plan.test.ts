// The plan over plain objects: each AWS resource adopted once, names kept on resume, collisions avoided, blockers.

import { readFileSync } from 'node:fs';
import test from 'ava';
import yaml from 'js-yaml';
import { ackKindByGroupKind } from '../../src/core/model/ack-kinds.ts';
import { parseDump } from '../../src/core/discovery/dump.ts';
import type { ClusterFacts, Inventory } from '../../src/core/discovery/inventory.ts';
import { annotationManifest } from '../../src/core/plan/manifests.ts';
import { OLD_KINDS } from '../../src/core/model/kinds.ts';
import { buildPlan, type PlanOptions } from '../../src/core/plan/plan.ts';
import { projectAckObject, projectForPlan } from '../../src/core/discovery/projection.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

const options: PlanOptions = { method: 'auto', deletionPolicy: 'retain', readOnly: true, spec: 'translate', includeTuningJobChildren: false };
const example = (): Inventory => parseDump(readFileSync(new URL('../../examples/cluster-dump.yaml', import.meta.url), 'utf8'), 'example');

function model(name: string, awsName: string, namespace = 'ml', extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  return {
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'Model',
    metadata: { name, namespace, ...extra },
    spec: { region: 'us-east-2' },
    status: { sageMakerModelName: awsName },
  };
}

const connected: ClusterFacts = {
  contextName: 'prod',
  deploymentsKnown: true,
  oldOperators: [],
  ackControllers: [{
    controller: 'sagemaker', namespace: 'ack-system', name: 'ack', image: 'r/sagemaker-controller:1.9.1', version: '1.9.1', featureGates: {},
    running: true, state: '1 pod(s) alive', watchNamespaces: undefined, watchSelectors: undefined, reconcileResources: undefined, caBundle: false,
  }],
  servedAckKinds: ['Model', 'Endpoint', 'EndpointConfig'],
  adoptedResourceCrdServed: false,
  ackObjectsClusterWide: true,
  oldObjectsClusterWide: false,
  missingPermissions: [],
};

test('the example plans every AWS resource once and names children after their parents', (t) => {
  const plan = buildPlan(example(), options);
  t.is(plan.targets.length, 11);
  t.is(new Set(plan.targets.map((target) => target.key)).size, 11);
  const hdModel = plan.targets.find((target) => target.awsName.startsWith('xgboost-model-1'))!;
  t.deepEqual(hdModel.sources, ['HostingDeployment ml-serving/host-xgboost', 'Model ml-serving/xgboost-model-1-def0e83e0d5f11eaaa450a350733ba06']);
  const child = plan.sources.find((source) => source.name === 'xgboost-model-1-def0e83e0d5f11eaaa450a350733ba06')!;
  t.is(child.role, 'hosting-deployment-child');
  t.is(child.parent, 'HostingDeployment ml-serving/host-xgboost');
});

test('training jobs spawned by a tuning job point at their tuning job and are adopted only on request', (t) => {
  const spawned = (plan: ReturnType<typeof buildPlan>) => plan.sources.find((source) => source.name === 'a92f5e3cf07b11e9bf6c06d6-001-4c7a3059')!;
  const byDefault = buildPlan(example(), options);
  t.is(spawned(byDefault).role, 'tuning-job-child');
  t.is(spawned(byDefault).parent, 'HyperparameterTuningJob ml-training/xgboost-hpo');
  t.deepEqual(spawned(byDefault).targetKeys, []);
  const included = buildPlan(example(), { ...options, includeTuningJobChildren: true });
  t.is(spawned(included).targetKeys.length, 1);
  t.is(included.targets.length, 12);
});

test('an existing ACK object for the same AWS resource keeps its name, so a rerun resumes', (t) => {
  const inventory: Inventory = { oldObjects: [model('m', 'my-model')], ackObjects: [], adoptedResources: [], cluster: connected };
  const first = buildPlan(inventory, options);
  const created = { ...annotationManifest({ ...first.targets[0]!, name: 'chosen-earlier' }, options), status: {} };
  const resumed = buildPlan({ ...inventory, ackObjects: [created] }, options);
  t.is(resumed.targets[0]!.name, 'chosen-earlier');
  t.is(resumed.targets[0]!.state, 'pending');
  t.truthy(first.targets[0]!.spec, 'a target still to be created carries the spec it will be sent with');
  t.is(resumed.targets[0]!.spec, undefined, 'an existing object shows no spec that nobody sends');
});

test('a name taken by an ACK object for another AWS resource is not reused', (t) => {
  const other: KubeObject = {
    apiVersion: 'sagemaker.services.k8s.aws/v1alpha1',
    kind: 'Model',
    metadata: { name: 'shared-name', namespace: 'ml', annotations: { 'services.k8s.aws/adoption-fields': '{"modelName":"someone-elses-model"}' } },
  };
  const plan = buildPlan({ oldObjects: [model('m', 'shared-name')], ackObjects: [other], adoptedResources: [], cluster: connected }, options);
  t.regex(plan.targets[0]!.name, /^shared-name-[0-9a-f]{8}$/);
});

test('the same AWS resource named by objects in two namespaces is adopted once, in the first namespace', (t) => {
  const plan = buildPlan({ oldObjects: [model('b', 'same', 'team-b'), model('a', 'same', 'team-a')], ackObjects: [], adoptedResources: [] }, options);
  t.is(plan.targets.length, 1);
  t.is(plan.targets[0]!.namespace, 'team-a');
});

test('a running old operator and GitOps ownership block cleanup, not adoption', (t) => {
  const owned = model('m', 'x', 'ml', { labels: { 'argocd.argoproj.io/instance': 'ml-apps' } });
  const cluster: ClusterFacts = {
    ...connected,
    oldOperators: [{ namespace: 'sagemaker-k8s-operator-system', name: 'sagemaker-k8s-operator-controller-manager', image: 'x/amazon-sagemaker-operator-for-k8s:v1', watchedNamespace: undefined, running: true, state: 'scaled to 1 replica(s)' }],
  };
  const plan = buildPlan({ oldObjects: [owned], ackObjects: [], adoptedResources: [], cluster }, options);
  t.deepEqual(plan.blockers.map((blocker) => blocker.step), ['cleanup', 'cleanup']);
  t.regex(plan.blockers[0]!.message, /old operator Deployment .* is running .*uninstall it first/);
  t.regex(plan.blockers[1]!.message, /Argo CD application "ml-apps"/);
});

test('missing ACK CRDs and missing rights block adoption', (t) => {
  const policy = parseDump(readFileSync(new URL('../fixtures/old/autoscaling-policy.yaml', import.meta.url), 'utf8'), 'hap');
  const plan = buildPlan({ ...policy, cluster: { ...connected, adoptedResourceCrdServed: true } }, options);
  const messages = plan.blockers.filter((blocker) => blocker.step === 'adopt').map((blocker) => blocker.message);
  t.true(messages.some((message) => /no ACK applicationautoscaling controller Deployment found/.test(message)));
  t.true(messages.some((message) => /CRD scalabletargets\.applicationautoscaling\.services\.k8s\.aws is not installed/.test(message)));
});

test('a missing create right blocks adoption only when the chosen method needs it', (t) => {
  const oneModel = { oldObjects: [model('m', 'm-aws')], ackObjects: [], adoptedResources: [] };
  const missingPermissions = [
    { verb: 'create' as const, resource: 'models.sagemaker.services.k8s.aws', namespace: 'ml' },
    { verb: 'create' as const, resource: 'adoptedresources.services.k8s.aws', namespace: 'ml' },
  ];
  const cluster = { ...connected, adoptedResourceCrdServed: true, missingPermissions };
  const bothMethods = { ...cluster, ackControllers: [{ ...connected.ackControllers[0]!, image: 'r/sagemaker-controller:1.5.0', version: '1.5.0' }] };
  const adoptBlockers = (method: PlanOptions['method']): string[] =>
    buildPlan({ ...oneModel, cluster: bothMethods }, { ...options, method }).blockers.filter((blocker) => blocker.step === 'adopt').map((blocker) => blocker.message);
  t.deepEqual(adoptBlockers('annotation'), ['missing permission: create models.sagemaker.services.k8s.aws in namespace ml']);
  t.deepEqual(adoptBlockers('adopted-resource'), ['missing permission: create adoptedresources.services.k8s.aws in namespace ml'], 'ACK creates the Model itself');
  const elsewhere = { ...cluster, missingPermissions: missingPermissions.map((permission) => ({ ...permission, namespace: 'other' })) };
  t.deepEqual(buildPlan({ ...oneModel, cluster: elsewhere }, options).blockers.filter((blocker) => blocker.step === 'adopt'), []);
});

test('annotation manifests use adopt, string adoption fields, the chosen deletion policy and observe-only', (t) => {
  const plan = buildPlan(example(), { ...options, deletionPolicy: 'delete', readOnly: false });
  const policy = plan.targets.find((target) => target.ackKind === 'ScalingPolicy')!;
  const manifest = annotationManifest(policy, { deletionPolicy: 'delete', readOnly: false });
  const annotations = manifest.metadata.annotations!;
  t.is(annotations['services.k8s.aws/adoption-policy'], 'adopt');
  t.is(annotations['services.k8s.aws/deletion-policy'], 'delete');
  t.is(annotations['services.k8s.aws/read-only'], undefined);
  t.deepEqual(JSON.parse(annotations['services.k8s.aws/adoption-fields']!), {
    resourceID: 'endpoint/host-xgboost-def0e83e0d5f11eaaa450a350733ba06/variant/AllTraffic',
    serviceNamespace: 'sagemaker',
    scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
    policyName: 'SageMakerEndpointInvocationScalingPolicy',
  });
  t.deepEqual(manifest.spec!['targetTrackingScalingPolicyConfiguration'], {
    targetValue: 60,
    predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' },
  }, 'the spec is the old one, translated; ACK replaces it with what AWS reports when it adopts');
  t.is((yaml.load(yaml.dump(manifest)) as KubeObject).metadata.name, policy.name);
});

test('the trimmed objects discovery keeps plan exactly as the whole ones, without the manifests kubectl apply leaves', (t) => {
  const whole = example();
  const applied = (object: KubeObject): KubeObject => ({
    ...object,
    metadata: {
      ...object.metadata,
      labels: { ...object.metadata.labels, team: 'forecasting' },
      annotations: { ...object.metadata.annotations, 'kubectl.kubernetes.io/last-applied-configuration': JSON.stringify(object) },
    },
  });
  const owned = applied(model('owned', 'owned-model', 'ml', { labels: { 'argocd.argoproj.io/instance': 'ml-apps' }, annotations: { 'meta.helm.sh/release-name': 'models' } }));
  // Half the AWS resources already adopted, as ACK leaves them (its marker and finalizer), the rest still to adopt.
  const adoptedByAck = buildPlan(whole, options).targets.filter((_, index) => index % 2 === 0).map((target) => {
    const manifest = annotationManifest(target, options);
    return { ...manifest, metadata: { ...manifest.metadata, finalizers: [`finalizers.${manifest.apiVersion.split('/')[0]}/${manifest.kind}`], annotations: { ...manifest.metadata.annotations, 'services.k8s.aws/adopted': 'true' } } };
  });
  const inventory: Inventory = { ...whole, oldObjects: [...whole.oldObjects, owned].map(applied), ackObjects: adoptedByAck.map(applied), cluster: connected };
  const trimmed: Inventory = {
    ...inventory,
    oldObjects: inventory.oldObjects.map((object) => projectForPlan(OLD_KINDS.find((kind) => kind.kind === object.kind)!, object)),
    ackObjects: inventory.ackObjects.map((object) => projectAckObject(ackKindByGroupKind(object.apiVersion.split('/')[0]!, object.kind)!, object)),
  };
  const reportOptions: PlanOptions = { ...options, spec: 'omit' };
  t.true(inventory.ackObjects.length > 0);
  t.deepEqual(buildPlan(trimmed, reportOptions), buildPlan(inventory, reportOptions));
  t.regex(buildPlan(trimmed, reportOptions).blockers.map((blocker) => blocker.message).join('\n'), /Argo CD application "ml-apps", Helm release "models"/);
  for (const object of [...trimmed.oldObjects, ...trimmed.ackObjects]) {
    t.is(object.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    t.is(object.metadata.labels?.['team'], undefined);
  }
});
