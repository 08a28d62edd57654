// The old spec → ACK spec translation, field by field, and where the translated spec goes (pure logic, no cluster).

import { readFileSync } from 'node:fs';
import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { parseDump } from '../../src/core/discovery/dump.ts';
import { manifestFor } from '../../src/core/plan/manifests.ts';
import { buildPlan, type PlanOptions } from '../../src/core/plan/plan.ts';
import { ackFieldName, toAckShape, translateSpec } from '../../src/core/model/spec-translation.ts';
import type { KubeObject } from '../../src/kube/objects.ts';

const options: PlanOptions = { method: 'annotation', deletionPolicy: 'retain', readOnly: true, spec: 'translate', includeTuningJobChildren: false };
const example = (): ReturnType<typeof parseDump> => parseDump(readFileSync(new URL('../../examples/cluster-dump.yaml', import.meta.url), 'utf8'), 'example');

test('field names follow the ACK spelling of initialisms, keywords and case', (t) => {
  const cases: Array<[string, string]> = [
    ['roleArn', 'roleARN'],
    ['executionRoleArn', 'executionRoleARN'],
    ['kmsKeyId', 'kmsKeyID'],
    ['volumeKmsKeyId', 'volumeKMSKeyID'],
    ['s3Uri', 's3URI'],
    ['imageUri', 'imageURI'],
    ['modelDataUrl', 'modelDataURL'],
    ['securityGroupIds', 'securityGroupIDs'],
    ['fileSystemId', 'fileSystemID'],
    ['JoinSource', 'joinSource'],
    ['type', 'type_'],
    ['trainingJobName', 'trainingJobName'],
    ['identifier', 'identifier'],
    ['kmsKeyIdentifier', 'kmsKeyIdentifier'],
  ];
  for (const [oldName, ackName] of cases) t.is(ackFieldName(oldName), ackName, oldName);
});

test('name/value lists become string maps, operator-only fields are dropped, the debug hook keeps its parameters', (t) => {
  const shaped = toAckShape({
    region: 'us-east-1',
    sageMakerEndpoint: 'https://sagemaker.example',
    hyperParameters: [{ name: 'epochs', value: '10' }, { name: 'empty' }],
    debugHookConfig: { s3OutputPath: 's3://b/d', ruleParameters: [{ name: 'save_interval', value: '100' }] },
    debugRuleConfigurations: [{ ruleConfigurationName: 'r', ruleParameters: [{ name: 'rule_to_invoke', value: 'x' }] }],
    tags: [{ key: 'team', value: 'ml' }],
  });
  t.deepEqual(shaped, {
    hyperParameters: { epochs: '10', empty: '' },
    debugHookConfig: { s3OutputPath: 's3://b/d', hookParameters: { save_interval: '100' } },
    debugRuleConfigurations: [{ ruleConfigurationName: 'r', ruleParameters: { rule_to_invoke: 'x' } }],
    tags: [{ key: 'team', value: 'ml' }],
  });
});

function hostingDeployment(models: unknown[], modelNames: Array<{ name: string; value: string }>): KubeObject {
  return {
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'HostingDeployment',
    metadata: { name: 'hd', namespace: 'ml' },
    spec: {
      region: 'us-east-1',
      productionVariants: [{ variantName: 'AllTraffic', modelName: 'm', initialInstanceCount: 2, instanceType: 'ml.c5.large' }],
      models,
      tags: [{ key: 'team', value: 'ml' }],
    },
    status: { endpointName: 'hd-ep', endpointConfigName: 'hd-config', modelNames },
  };
}

test('a HostingDeployment endpoint config names the SageMaker models the operator created', (t) => {
  const deployment = hostingDeployment([], [{ name: 'm', value: 'm-1-abc' }]);
  const spec = translateSpec('hosting-endpoint-config', deployment, undefined, { endpointConfigName: 'hd-config' });
  t.deepEqual(spec['productionVariants'], [{ variantName: 'AllTraffic', modelName: 'm-1-abc', initialInstanceCount: 2, instanceType: 'ml.c5.large' }]);
  t.is(spec['endpointConfigName'], 'hd-config');
  t.deepEqual(translateSpec('hosting-endpoint', deployment, undefined, { endpointName: 'hd-ep' }), {
    endpointName: 'hd-ep',
    endpointConfigName: 'hd-config',
    tags: [{ key: 'team', value: 'ml' }],
  });
});

test('a HostingDeployment model keeps the container layout the operator sent: one primary, or several containers', (t) => {
  const container = (hostname: string): Record<string, unknown> => ({ containerHostname: hostname, image: `img/${hostname}`, environment: [{ name: 'A', value: '1' }] });
  const deployment = hostingDeployment(
    [
      { name: 'single', executionRoleArn: 'arn:role', primaryContainer: 'main', containers: [container('main')] },
      { name: 'pipeline', executionRoleArn: 'arn:role', primaryContainer: 'first', containers: [container('first'), container('second')] },
    ],
    [{ name: 'single', value: 'single-aws' }, { name: 'pipeline', value: 'pipeline-aws' }],
  );
  const single = translateSpec('hosting-model', deployment, 'single-aws', { modelName: 'single-aws' });
  t.deepEqual(single['primaryContainer'], { containerHostname: 'main', image: 'img/main', environment: { A: '1' } });
  t.is(single['containers'], undefined);
  t.is(single['executionRoleARN'], 'arn:role');
  const pipeline = translateSpec('hosting-model', deployment, 'pipeline-aws', { modelName: 'pipeline-aws' });
  t.is(pipeline['primaryContainer'], undefined, 'with several containers the operator ignored primaryContainer');
  t.is((pipeline['containers'] as unknown[]).length, 2);
});

test('an autoscaling policy becomes a scalable target and a target-tracking scaling policy', (t) => {
  const policy: KubeObject = {
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'HostingAutoscalingPolicy',
    metadata: { name: 'hap', namespace: 'ml' },
    spec: { minCapacity: 1, maxCapacity: 3, targetTrackingScalingPolicyConfiguration: { targetValue: 70, predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } } },
  };
  const identifiers = { resourceID: 'endpoint/e/variant/v', serviceNamespace: 'sagemaker', scalableDimension: 'sagemaker:variant:DesiredInstanceCount' };
  t.deepEqual(translateSpec('autoscaling-target', policy, identifiers.resourceID, identifiers), { ...identifiers, minCapacity: 1, maxCapacity: 3 });
  const scaling = translateSpec('autoscaling-policy', policy, identifiers.resourceID, { ...identifiers, policyName: 'p' });
  t.is(scaling['policyType'], 'TargetTrackingScaling');
  t.is((scaling['targetTrackingScalingPolicyConfiguration'] as { targetValue: number }).targetValue, 70);
});

test('every annotation manifest of the example carries a spec with all the fields its ACK CRD requires', (t) => {
  const plan = buildPlan(example(), options);
  t.is(plan.targets.length, 11);
  for (const target of plan.targets) {
    const manifest = manifestFor(target, plan)!;
    const spec = manifest.spec!;
    t.truthy(spec, `${target.ackKind} ${target.name}`);
    t.deepEqual(ACK_KINDS[target.ackKind].requiredSpec.filter((field) => spec[field] === undefined), [], `${target.ackKind} ${target.name}`);
    for (const [field, value] of Object.entries(target.identifiers)) t.is(spec[field], value, 'the AWS names win over the old spec');
    t.false(JSON.stringify(spec).includes('"region"'), 'the old operator-only region field is not copied');
  }
});

test('--spec omit, AdoptedResource, and an old object that lacks required fields all leave the spec out', (t) => {
  const omitted = buildPlan(example(), { ...options, spec: 'omit' });
  t.true(omitted.targets.every((target) => manifestFor(target, omitted)!.spec === undefined));

  const adoptedResources = buildPlan(example(), { ...options, method: 'adopted-resource' });
  for (const target of adoptedResources.targets) {
    const manifest = manifestFor(target, adoptedResources)!;
    t.is(manifest.kind, 'AdoptedResource');
    t.false('spec' in (manifest.spec!['kubernetes'] as object), 'AdoptedResource makes the ACK object from AWS; it takes no spec');
  }

  const stripped: KubeObject = {
    apiVersion: 'sagemaker.aws.amazon.com/v1',
    kind: 'TrainingJob',
    metadata: { name: 'exported-without-spec', namespace: 'ml' },
    status: { sageMakerTrainingJobName: 'job-1' },
  };
  const plan = buildPlan({ ...example(), oldObjects: [stripped] }, options);
  const [target] = plan.targets;
  t.deepEqual(target!.missingSpecFields, ['algorithmSpecification', 'outputDataConfig', 'resourceConfig', 'roleARN', 'stoppingCondition']);
  t.is(manifestFor(target!, plan)!.spec, undefined, 'no half spec that the CRD would reject');
});
