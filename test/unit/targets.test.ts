// The mapping table: which AWS resources each old kind stands for, read from status first, then spec.

import { readFileSync } from 'node:fs';
import test from 'ava';
import yaml from 'js-yaml';
import { OLD_KINDS, oldKindByName } from '../../src/core/model/kinds.ts';
import { targetsOf } from '../../src/core/model/targets.ts';
import { kubernetesNameFor } from '../../src/core/model/names.ts';
import { projectForPlan } from '../../src/core/discovery/projection.ts';
import { translateSpec } from '../../src/core/model/spec-translation.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

function fixture(name: string): KubeObject {
  return yaml.load(readFileSync(new URL(`../fixtures/old/${name}`, import.meta.url), 'utf8')) as KubeObject;
}

function kind(name: string) {
  const found = oldKindByName(name);
  if (!found) throw new Error(`no kind ${name}`);
  return found;
}

function object(kindName: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject {
  return { apiVersion: 'sagemaker.aws.amazon.com/v1', kind: kindName, metadata: { name: 'x', namespace: 'ns' }, spec: { region: 'eu-west-1', ...spec }, status };
}

test('every kind of the v1.2.2 CRDs has a row', (t) => {
  t.deepEqual(OLD_KINDS.map((k) => k.kind).sort(), [
    'BatchTransformJob', 'EndpointConfig', 'HostingAutoscalingPolicy', 'HostingDeployment',
    'HyperparameterTuningJob', 'Model', 'ProcessingJob', 'TrainingJob',
  ]);
});

test('a hosting deployment stands for its endpoint, its endpoint config and each model, named from status', (t) => {
  const targets = targetsOf(kind('HostingDeployment'), fixture('hosting-deployment.yaml'));
  t.deepEqual(targets.map((target) => [target.ackKind, target.identifiers]), [
    ['Endpoint', { endpointName: 'host-xgboost-def0e83e0d5f11eaaa450a350733ba06' }],
    ['EndpointConfig', { endpointConfigName: 'host-xgboost-1-def0e83e0d5f11e-e08f6c510d5f11eaaa450a350733ba06' }],
    ['Model', { modelName: 'xgboost-model-1-def0e83e0d5f11-df5cc9fd0d5f11eaaa450a350733ba06' }],
  ]);
  t.true(targets.every((target) => target.region === 'us-east-2'));
});

test('an autoscaling policy stands for one scalable target and one scaling policy per resource ID', (t) => {
  const targets = targetsOf(kind('HostingAutoscalingPolicy'), fixture('autoscaling-policy.yaml'));
  t.is(targets.length, 4);
  t.deepEqual(targets.filter((target) => target.ackKind === 'ScalingPolicy').map((target) => target.identifiers), [
    {
      resourceID: 'endpoint/host-xgboost-def0e83e0d5f11eaaa450a350733ba06/variant/AllTraffic',
      serviceNamespace: 'sagemaker',
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      policyName: 'SageMakerEndpointInvocationScalingPolicy',
    },
    {
      resourceID: 'endpoint/Other-Endpoint/variant/Canary',
      serviceNamespace: 'sagemaker',
      scalableDimension: 'sagemaker:variant:DesiredInstanceCount',
      policyName: 'SageMakerEndpointInvocationScalingPolicy',
    },
  ]);
});

test('autoscaling resource IDs fall back to spec.resourceId when status has none', (t) => {
  const policy = object('HostingAutoscalingPolicy', { resourceId: [{ endpointName: 'ep', variantName: 'v1' }], policyName: 'custom' });
  const targets = targetsOf(kind('HostingAutoscalingPolicy'), policy);
  t.deepEqual(targets.map((target) => [target.ackKind, target.identifiers['resourceID'], target.identifiers['policyName']]), [
    ['ScalableTarget', 'endpoint/ep/variant/v1', undefined],
    ['ScalingPolicy', 'endpoint/ep/variant/v1', 'custom'],
  ]);
});

test('job names come from status first and from spec when status has none', (t) => {
  const both = object('TrainingJob', { trainingJobName: 'from-spec' }, { sageMakerTrainingJobName: 'from-status' });
  t.is(targetsOf(kind('TrainingJob'), both)[0]!.identifiers['trainingJobName'], 'from-status');
  const specOnly = object('BatchTransformJob', { transformJobName: 'transform-from-spec' });
  t.deepEqual(targetsOf(kind('BatchTransformJob'), specOnly).map((target) => [target.ackKind, target.identifiers]), [
    ['TransformJob', { transformJobName: 'transform-from-spec' }],
  ]);
  const tuning = object('HyperparameterTuningJob', {}, { sageMakerHyperParameterTuningJobName: 'a92f5e3cf07b11e9bf6c06d6' });
  t.is(targetsOf(kind('HyperparameterTuningJob'), tuning)[0]!.ackKind, 'HyperParameterTuningJob');
});

test('an object that never reached AWS has nothing to adopt and no name is guessed', (t) => {
  for (const kindName of ['ProcessingJob', 'Model', 'EndpointConfig', 'TrainingJob', 'HostingDeployment', 'HostingAutoscalingPolicy']) {
    t.deepEqual(targetsOf(kind(kindName), object(kindName, {}, { status: 'SynchronizingK8sJobWithSageMaker' })), [], kindName);
  }
});

test('the same AWS resource named twice in one object is adopted once', (t) => {
  const deployment = object('HostingDeployment', {}, {
    endpointName: 'ep',
    modelNames: [{ name: 'a', value: 'shared-model' }, { name: 'b', value: 'shared-model' }],
  });
  t.is(targetsOf(kind('HostingDeployment'), deployment).filter((target) => target.ackKind === 'Model').length, 1);
});

test('names of AWS resources in different regions are different resources', (t) => {
  const east = targetsOf(kind('Model'), { ...object('Model', {}, { sageMakerModelName: 'm' }), spec: { region: 'us-east-1' } });
  const west = targetsOf(kind('Model'), { ...object('Model', {}, { sageMakerModelName: 'm' }), spec: { region: 'us-west-2' } });
  t.not(east[0]!.key, west[0]!.key);
});

test('kinds are found by kind, plural or fully qualified resource name', (t) => {
  t.is(oldKindByName('hostingdeployments.sagemaker.aws.amazon.com')?.kind, 'HostingDeployment');
  t.is(oldKindByName('batchtransformjob')?.kind, 'BatchTransformJob');
  t.is(oldKindByName('HostingAutoscalingPolicies')?.kind, 'HostingAutoscalingPolicy');
  t.is(oldKindByName('endpoints'), undefined);
});

test('kubernetes names keep valid SageMaker names and make the others valid and distinct', (t) => {
  const model = (name: string) => targetsOf(kind('Model'), object('Model', {}, { sageMakerModelName: name }))[0]!;
  t.is(kubernetesNameFor(model('xgboost-model-1')), 'xgboost-model-1');
  const upper = kubernetesNameFor(model('MyModel'));
  const lower = kubernetesNameFor(model('mymodel'));
  t.regex(upper, /^mymodel-[0-9a-f]{8}$/);
  t.is(lower, 'mymodel');
  t.not(upper, lower);
});

test('autoscaling objects are named after endpoint and variant', (t) => {
  const targets = targetsOf(kind('HostingAutoscalingPolicy'), fixture('autoscaling-policy.yaml'));
  const names = targets.map(kubernetesNameFor);
  t.is(names[0], 'host-xgboost-def0e83e0d5f11eaaa450a350733ba06-alltraffic-' + names[0]!.slice(-8));
  t.true(names.every((name) => /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(name) && name.length <= 253));
  t.is(new Set(names).size, names.length);
});

test('the projection kept for planning holds every field the kinds table reads, and little else', (t) => {
  const deployment = fixture('hosting-deployment.yaml');
  const projected = projectForPlan(kind('HostingDeployment'), deployment);
  const identities = (object: KubeObject): unknown[] => targetsOf(kind('HostingDeployment'), object).map(({ ackKind, identifiers, key }) => ({ ackKind, identifiers, key }));
  t.deepEqual(identities(projected), identities(deployment));
  t.is(projected.spec?.['models'], undefined);
  const withSpec = projectForPlan(kind('HostingDeployment'), deployment, true);
  const translated = (object: KubeObject): unknown[] =>
    targetsOf(kind('HostingDeployment'), object).map(({ identifiers, specOrigin }) => translateSpec(specOrigin.source, specOrigin.object, specOrigin.item, identifiers));
  t.deepEqual(identities(withSpec), identities(deployment));
  t.deepEqual(translated(withSpec), translated(deployment), 'kept whole when the spec is translated');
  t.deepEqual(projected.metadata.finalizers, ['sagemaker-operator-finalizer']);
  const policy = fixture('autoscaling-policy.yaml');
  const policyKeys = (object: KubeObject): string[] => targetsOf(kind('HostingAutoscalingPolicy'), object).map((target) => target.key);
  t.deepEqual(policyKeys(projectForPlan(kind('HostingAutoscalingPolicy'), policy)), policyKeys(policy));
});
