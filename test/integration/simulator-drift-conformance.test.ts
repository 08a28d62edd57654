// The adoption simulator against what the REAL controllers did when AWS drifted during the overlap
// (shared/reference/ack-observed/README.md, "Handover over drift": sagemaker-controller v1.9.1,
// applicationautoscaling-controller v1.4.1): real control plane and CRDs, AWS played by moto. The plugin's drift
// checks (issue 18) are only as good as this model of the rollback they guard against, so each test names the
// broken model it catches; each was seen failing once with that break made by hand, then restored.

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import type { AdoptionSimulator } from '../support/ack-simulator.ts';
import { startAwsEmulator, type AwsEmulator } from '../support/aws-emulator.ts';
import { describeEndpointStack, repointEndpoint, retunePolicy, scaleTarget, type EndpointStack } from '../support/aws-seed.ts';
import { adminClient, closeAfter } from '../support/cluster.ts';
import { callAws } from '../support/moto.ts';
import { adoptedEndpointStack, release, specsByKind } from '../support/drift-scenario.ts';

let emulator: AwsEmulator;
test.before(async () => {
  emulator = await startAwsEmulator(mkdtempSync(path.join(tmpdir(), 'smm-drift-')));
});
test.after.always(async () => {
  await emulator?.stop();
});

/** The overlap as measured: endpoint moved to a new config, target at 2..8, policy at 80 with cooldowns 600 / 120. */
async function driftAws(stack: EndpointStack): Promise<string> {
  const newConfig = `${stack.config}-next`;
  await repointEndpoint(emulator.endpoint, stack, newConfig);
  await scaleTarget(emulator.endpoint, stack, 2, 8, { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });
  await retunePolicy(emulator.endpoint, stack, 80, { ScaleInCooldown: 600, ScaleOutCooldown: 120 });
  return newConfig;
}

/** The simulator's writes as [action, input], so inputs compare as values, whatever their key order. */
const writes = (simulator: AdoptionSimulator): Array<[string, unknown]> =>
  simulator.awsWrites.map((write) => [write.slice(0, write.indexOf(' ')), JSON.parse(write.slice(write.indexOf(' ') + 1)) as unknown]);

const target = (stack: EndpointStack) => ({ ServiceNamespace: 'sagemaker', ResourceId: stack.resourceId, ScalableDimension: stack.scalableDimension });
const allFalse = { DynamicScalingInSuspended: false, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false };

// Catches: a simulator that writes while read-only (the read-only test dropped from the managed reconcile), or that
// copies AWS into the spec of a read-only object (refreshing the spec instead of only the status).
test('while read-only, a resync after AWS drifted writes nothing to AWS and keeps the adoption-time spec', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-readonly');
  const before = await specsByKind(client, adopted, namespace);
  await driftAws(stack);
  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, []);
  t.deepEqual(await specsByKind(client, adopted, namespace), before);
  const endpoint = await client.get(ACK_KINDS.Endpoint, stack.endpoint, namespace);
  t.is(endpoint.spec?.['endpointConfigName'], stack.config);
  t.deepEqual(
    (endpoint.status?.['conditions'] as Array<{ type: string; status: string }>).map((condition) => `${condition.type}=${condition.status}`),
    ['ACK.ResourceSynced=True', 'Ready=True'],
  );
});

// Catches: a release that acts at once (removing read-only is metadata: ACK waits for its next resync), and a
// resync that does not push the stale spec with the kind's update call and its whole stored input (ScalableTarget
// without SuspendedState, PutScalingPolicy with only the changed field, UpdateEndpoint without
// RetainAllVariantProperties or with AWS's current config).
test('after read-only is removed, the next resync rolls AWS back to the adoption-time spec with each kind\'s update call', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-rollback');
  await driftAws(stack);
  await simulator.handled(await release(client, adopted, namespace));
  t.deepEqual(simulator.awsWrites, [], 'removing read-only triggers no reconcile');
  await simulator.resyncNow();
  t.deepEqual(writes(simulator), [
    ['UpdateEndpoint', { EndpointName: stack.endpoint, EndpointConfigName: stack.config, RetainAllVariantProperties: true }],
    ['RegisterScalableTarget', { ...target(stack), MinCapacity: 1, MaxCapacity: 4, SuspendedState: allFalse }],
    ['PutScalingPolicy', {
      PolicyName: stack.policyName,
      ...target(stack),
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleInCooldown: 300, ScaleOutCooldown: 60, TargetValue: 60 },
    }],
  ]);
  const aws = await describeEndpointStack(emulator.endpoint, stack);
  t.is(aws.endpoint['EndpointConfigName'], stack.config, 'the endpoint is back on its old config');
  t.like(aws.target, { MinCapacity: 1, MaxCapacity: 4 });
  t.like(aws.policy['TargetTrackingScalingPolicyConfiguration'], { TargetValue: 60, ScaleInCooldown: 300, ScaleOutCooldown: 60 });
  const endpoint = await client.get(ACK_KINDS.Endpoint, stack.endpoint, namespace);
  t.is(endpoint.metadata.annotations?.['sagemaker.services.k8s.aws/last-endpoint-config-for-update'], stack.config);
});

// Catches: a delta that sees differences where there are none (80 against 80.0, an empty list against none, the
// Endpoint's ignored tags), or a release that writes whatever the delta says.
test('a spec merge-patched to AWS\'s values while read-only leaves nothing to write after release', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-refresh');
  const newConfig = await driftAws(stack);
  const configuration = (await describeEndpointStack(emulator.endpoint, stack)).policy['TargetTrackingScalingPolicyConfiguration'] as Record<string, unknown>;
  const [, , endpoint, scalableTarget, policy] = adopted;
  await client.mergePatch(ACK_KINDS.Endpoint, endpoint!.metadata.name, namespace, { spec: { endpointConfigName: newConfig } });
  await client.mergePatch(ACK_KINDS.ScalableTarget, scalableTarget!.metadata.name, namespace, { spec: { minCapacity: 2, maxCapacity: 8 } });
  await client.mergePatch(ACK_KINDS.ScalingPolicy, policy!.metadata.name, namespace, {
    spec: { targetTrackingScalingPolicyConfiguration: { targetValue: configuration['TargetValue'], scaleInCooldown: configuration['ScaleInCooldown'], scaleOutCooldown: configuration['ScaleOutCooldown'] } },
  });
  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, [], 'nothing while read-only');
  await release(client, adopted, namespace);
  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, [], 'nothing after release');
  const after = await describeEndpointStack(emulator.endpoint, stack);
  t.is(after.endpoint['EndpointConfigName'], newConfig);
  t.like(after.target, { MinCapacity: 2, MaxCapacity: 8 });
});

// Catches: a delta that compares only the fields a person is expected to change (capacities, target value) and not
// every field of suspendedState and targetTrackingScalingPolicyConfiguration, as ACK's generated delta does.
test('a partial refresh is written back: a suspendedState key and disableScaleIn changed in AWS but left out of the patch', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-partial');
  await scaleTarget(emulator.endpoint, stack, 2, 8, { ...allFalse, DynamicScalingInSuspended: true });
  await retunePolicy(emulator.endpoint, stack, 80, { DisableScaleIn: true });
  const [, , , scalableTarget, policy] = adopted;
  await client.mergePatch(ACK_KINDS.ScalableTarget, scalableTarget!.metadata.name, namespace, { spec: { minCapacity: 2, maxCapacity: 8 } });
  await client.mergePatch(ACK_KINDS.ScalingPolicy, policy!.metadata.name, namespace, { spec: { targetTrackingScalingPolicyConfiguration: { targetValue: 80 } } });
  await release(client, adopted, namespace);
  await simulator.resyncNow();
  t.deepEqual(writes(simulator), [
    ['RegisterScalableTarget', { ...target(stack), MinCapacity: 2, MaxCapacity: 8, SuspendedState: allFalse }],
    ['PutScalingPolicy', {
      PolicyName: stack.policyName,
      ...target(stack),
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleInCooldown: 300, ScaleOutCooldown: 60, TargetValue: 80 },
    }],
  ]);
  const aws = await describeEndpointStack(emulator.endpoint, stack);
  t.deepEqual(aws.target['SuspendedState'], allFalse);
  t.is((aws.policy['TargetTrackingScalingPolicyConfiguration'] as Record<string, unknown>)['DisableScaleIn'], undefined);
});

// Catches: HasNilDifference modelled as "missing equals false" (an explicit false against a key AWS does not return
// is a difference), and a ScalableTarget delta without customSetDefaults (a missing suspendedState key takes AWS's
// value before comparing, so it is no difference).
test('an explicit false where AWS returns no key is a difference; a missing suspendedState key is filled from AWS', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-nil');
  const [, , , scalableTarget, policy] = adopted;
  await client.mergePatch(ACK_KINDS.ScalableTarget, scalableTarget!.metadata.name, namespace, { spec: { suspendedState: { dynamicScalingInSuspended: null } } });
  await client.mergePatch(ACK_KINDS.ScalingPolicy, policy!.metadata.name, namespace, { spec: { targetTrackingScalingPolicyConfiguration: { disableScaleIn: false } } });
  await release(client, adopted, namespace);
  await simulator.resyncNow();
  t.deepEqual(writes(simulator), [
    ['PutScalingPolicy', {
      PolicyName: stack.policyName,
      ...target(stack),
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: { DisableScaleIn: false, PredefinedMetricSpecification: { PredefinedMetricType: 'SageMakerVariantInvocationsPerInstance' }, ScaleInCooldown: 300, ScaleOutCooldown: 60, TargetValue: 60 },
    }],
  ]);
});

// Catches: a deletion that ignores the deletion policy (retain must call nothing), or that deletes in AWS without
// the kind's Delete call or keeps the finalizer.
test('deleting a released object calls the kind\'s Delete in AWS unless its deletion policy is retain', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-delete');
  const [, , endpoint, , policy] = adopted;
  await release(client, [endpoint!], namespace);
  await release(client, [policy!], namespace, 'delete');
  await client.delete(ACK_KINDS.Endpoint, endpoint!.metadata.name, namespace);
  await client.delete(ACK_KINDS.ScalingPolicy, policy!.metadata.name, namespace);
  const gone = async (kind: keyof typeof ACK_KINDS, name: string): Promise<boolean> => client.get(ACK_KINDS[kind], name, namespace).then(() => false, () => true);
  for (let attempt = 0; attempt < 100 && !((await gone('Endpoint', endpoint!.metadata.name)) && (await gone('ScalingPolicy', policy!.metadata.name))); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  t.true(await gone('Endpoint', endpoint!.metadata.name), 'the finalizer was removed');
  t.true(await gone('ScalingPolicy', policy!.metadata.name));
  t.deepEqual(writes(simulator), [['DeleteScalingPolicy', { PolicyName: stack.policyName, ...target(stack) }]]);
  const policies = await callAws(emulator.endpoint, 'application-autoscaling', stack.region, 'DescribeScalingPolicies', { ServiceNamespace: 'sagemaker', ResourceId: stack.resourceId });
  t.deepEqual(policies['ScalingPolicies'], [], 'the policy is gone from AWS');
  const described = await callAws(emulator.endpoint, 'sagemaker', stack.region, 'DescribeEndpoint', { EndpointName: stack.endpoint });
  t.is(described['EndpointStatus'], 'InService', 'the retained endpoint is still in AWS');
});

// Catches: a resync period that is never armed (the autoscaling objects of a released stack are rolled back at the
// controller's next resync without anyone calling resyncNow).
test('with a resync period, a released object is rolled back at the next resync without resyncNow', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-period', { resyncMs: 300 });
  await scaleTarget(emulator.endpoint, stack, 2, 8, allFalse);
  await simulator.handled(await release(client, adopted, namespace));
  for (let attempt = 0; attempt < 100 && simulator.awsWrites.length === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 100));
  await simulator.handled([]);
  t.deepEqual(writes(simulator), [['RegisterScalableTarget', { ...target(stack), MinCapacity: 1, MaxCapacity: 4, SuspendedState: allFalse }]]);
  t.like((await describeEndpointStack(emulator.endpoint, stack)).target, { MinCapacity: 1, MaxCapacity: 4 });
});

// Catches: a simulator that writes (or calls an update SageMaker does not have) for a kind whose controller cannot
// update it, instead of ACK.Terminal "not implemented". The Model shows the observed "a tag added in AWS to an
// adopted Model produced no diff".
test('a released EndpointConfig that differs from AWS gets ACK.Terminal and no write; a Model tagged in AWS stays in sync', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace, stack, simulator, adopted } = await adoptedEndpointStack(t, client, emulator.endpoint, 'drift-terminal');
  const [model, config] = adopted;
  const modelArn = String((model!.status?.['ackResourceMetadata'] as { arn: string }).arn);
  await callAws(emulator.endpoint, 'sagemaker', stack.region, 'AddTags', { ResourceArn: modelArn, Tags: [{ Key: 'cost-center', Value: '42' }] });
  const variants = (config!.spec?.['productionVariants'] as Array<Record<string, unknown>>).map((variant) => ({ ...variant, instanceType: 'ml.m5.xlarge' }));
  // Each write is waited for until the simulator has handled it, so that resyncNow() runs on the released objects.
  await simulator.handled([await client.mergePatch(ACK_KINDS.EndpointConfig, config!.metadata.name, namespace, { spec: { productionVariants: variants } })]);
  await simulator.handled(await release(client, adopted, namespace));
  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, []);
  const conditionsOf = async (kind: 'Model' | 'EndpointConfig', name: string): Promise<string[]> =>
    ((await client.get(ACK_KINDS[kind], name, namespace)).status?.['conditions'] as Array<{ type: string; status: string; message?: string }>).map(
      (condition) => `${condition.type}=${condition.status}${condition.type === 'ACK.Terminal' ? ` ${condition.message}` : ''}`,
    );
  t.deepEqual(await conditionsOf('EndpointConfig', stack.config), ['ACK.Terminal=True not implemented', 'ACK.ResourceSynced=False', 'Ready=False']);
  t.deepEqual(await conditionsOf('Model', stack.model), ['ACK.ResourceSynced=True', 'Ready=True']);
});
