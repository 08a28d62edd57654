// Never let ACK roll AWS back: cleanup and handover compare every adopted resource with AWS first. Real control plane
// with the real ACK CRDs; AWS is moto (behind the loopback front that plays UpdateEndpoint); ACK is the ADOPTION
// SIMULATOR reading moto, which, once read-only ends, pushes a differing spec to moto with the kind's update calls
// as the real controllers did (shared/reference/ack-observed/README.md, "Handover over drift").
//
// What each test catches (each seen failing with its guard broken by hand, 2026-12-07):
// - handover releasing a drifted object (drifted treated as in sync): the first test fails (and moto is rolled back);
// - a refresh patch that leaves out a sub-object (suspendedState): the object is kept at the check before release;
// - cleanup not checking AWS: the old objects of a drifted target, and of a replaced model, are removed;
// - a vanished resource counted as in sync: cleanup removes the HostingDeployment whose model is gone;
// - the account check dropped: the object of another account is read with the wrong credentials and released.

import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test, { type ExecutionContext } from 'ava';
import { ACK_KINDS } from '../../src/core/ack-kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { backupDirectory } from '../support/adopted-scenario.ts';
import { FAKE_CREDENTIALS, startAwsEmulator, type AwsEmulator } from '../support/aws-emulator.ts';
import { describeEndpointStack, repointEndpoint, retunePolicy, scaleTarget, seedEndpointStack, type EndpointStack } from '../support/aws-seed.ts';
import { runPlugin, type CliResult } from '../support/cli.ts';
import { adminClient, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { callAws } from '../support/moto.ts';
import { oldType, seedOldObjects } from '../support/scenario.ts';

const REGION = 'us-east-2';
const client = adminClient();
const directory = mkdtempSync(path.join(tmpdir(), 'smm-aws-drift-'));
let aws: AwsEmulator;

test.before(async () => {
  aws = await startAwsEmulator(directory);
});

test.after.always(async () => {
  await aws?.stop();
  client.close();
});

/** The user's AWS configuration as the AWS CLI would read it: moto's URL and fake keys, nothing from this machine. */
function awsEnvironment(extra: Record<string, string> = {}): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: aws.endpoint,
    ...FAKE_CREDENTIALS,
    AWS_CONFIG_FILE: path.join(directory, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(directory, 'no-credentials'),
    ...extra,
  };
}

function migrate(args: string[], env: Record<string, string> = awsEnvironment()): Promise<CliResult> {
  return runPlugin(args, { kubeconfig: testKubeconfig(), env });
}

function oldObjectsFor(namespace: string, stack: EndpointStack): KubeObject[] {
  const finalizers = ['sagemaker-operator-finalizer'];
  return [
    {
      apiVersion: 'sagemaker.aws.amazon.com/v1',
      kind: 'HostingDeployment',
      metadata: { name: 'host', namespace, finalizers },
      spec: {
        region: REGION,
        productionVariants: [{ variantName: stack.variant, modelName: 'model', initialInstanceCount: 1, instanceType: stack.instanceType }],
        models: [{ name: 'model', executionRoleArn: stack.role, primaryContainer: 'main', containers: [{ containerHostname: 'main', image: stack.image, modelDataUrl: stack.modelDataUrl }] }],
      },
      status: { endpointStatus: 'InService', endpointName: stack.endpoint, endpointConfigName: stack.config, modelNames: [{ name: 'model', value: stack.model }] },
    },
    {
      apiVersion: 'sagemaker.aws.amazon.com/v1',
      kind: 'HostingAutoscalingPolicy',
      metadata: { name: 'hap', namespace, finalizers },
      spec: {
        region: REGION,
        resourceId: [{ endpointName: stack.endpoint, variantName: stack.variant }],
        minCapacity: 1,
        maxCapacity: 4,
        policyName: stack.policyName,
        policyType: 'TargetTrackingScaling',
        scalableDimension: stack.scalableDimension,
        serviceNamespace: stack.serviceNamespace,
        targetTrackingScalingPolicyConfiguration: { targetValue: 60, predefinedMetricSpecification: { predefinedMetricType: 'SageMakerVariantInvocationsPerInstance' } },
      },
      status: { hostingAutoscalingPolicyStatus: 'Created', policyName: stack.policyName, resourceIDList: [stack.resourceId] },
    },
  ];
}

interface Overlap {
  namespace: string;
  stack: EndpointStack;
  simulator: AdoptionSimulator;
}

/** An endpoint stack in moto, its old objects, and `adopt --wait` done: the overlap between adoption and handover. */
async function duringOverlap(t: ExecutionContext, prefix: string): Promise<Overlap> {
  const namespace = await freshNamespace(client, prefix);
  const stack = await seedEndpointStack(aws.endpoint, REGION, {
    model: `${namespace}-model`,
    config: `${namespace}-config`,
    endpoint: `${namespace}-endpoint`,
    minCapacity: 1,
    maxCapacity: 4,
    targetValue: 60,
  });
  await seedOldObjects(client, oldObjectsFor(namespace, stack));
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], aws: { endpoint: aws.endpoint }, defaultRegion: REGION });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await migrate(['adopt', '-n', namespace, '--wait', '--timeout', '60s']);
  if (adopt.code !== 0) throw new Error(`adopt failed: ${adopt.stderr}`);
  return { namespace, stack, simulator };
}

/** What a person does in AWS during the overlap: a new config for the endpoint, scaled out, the policy retuned. */
async function changeAws(stack: EndpointStack): Promise<string> {
  const newConfig = `${stack.config}-v2`;
  await repointEndpoint(aws.endpoint, stack, newConfig);
  await scaleTarget(aws.endpoint, stack, 2, 8);
  await retunePolicy(aws.endpoint, stack, 80);
  return newConfig;
}

/** Removes the old objects as a finished cleanup leaves them gone (the handover tests are about handover alone). */
async function removeOldObjects(namespace: string): Promise<void> {
  for (const kind of ['HostingDeployment', 'HostingAutoscalingPolicy']) {
    await client.mergePatch(oldType(kind), kind === 'HostingDeployment' ? 'host' : 'hap', namespace, { metadata: { finalizers: null } });
    await client.delete(oldType(kind), kind === 'HostingDeployment' ? 'host' : 'hap', namespace);
  }
}

async function readOnlyKinds(namespace: string): Promise<string[]> {
  const kinds: string[] = [];
  for (const kind of [ACK_KINDS.Endpoint, ACK_KINDS.EndpointConfig, ACK_KINDS.Model, ACK_KINDS.ScalableTarget, ACK_KINDS.ScalingPolicy]) {
    for (const object of await client.listAll(kind, { namespace })) if (object.metadata.annotations?.['services.k8s.aws/read-only'] === 'true') kinds.push(kind.kind);
  }
  return kinds.sort();
}

const UPDATE_CALLS = /RegisterScalableTarget|PutScalingPolicy|UpdateEndpoint|Delete|Deregister/;

test('handover keeps every object whose AWS resource changed during the overlap read-only, names each field, and exits 5; ACK then writes nothing', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, 'drift-refused');
  const newConfig = await changeAws(stack);
  const status = await migrate(['status', '-n', namespace, '--aws', '-o', 'json']);
  t.is(status.code, 0, status.stderr);
  const seen = (JSON.parse(status.stdout) as { aws: Array<{ ackKind: string; aws: string; detail: string }> }).aws;
  t.deepEqual(seen.filter((report) => report.aws === 'drifted').map((report) => report.ackKind).sort(), ['Endpoint', 'ScalableTarget', 'ScalingPolicy']);
  t.true(seen.filter((report) => report.aws === 'drifted').every((report) => /handover would revert it/.test(report.detail)));
  const plan = await migrate(['plan', '-n', namespace, '--aws', '-o', 'json']);
  t.is(plan.code, 0, plan.stderr);
  const model = (JSON.parse(plan.stdout) as { aws: Array<{ ackKind: string; aws: string; arn?: string }> }).aws.find((report) => report.ackKind === 'Model');
  t.like(model, { aws: 'in-aws', arn: `arn:aws:sagemaker:${REGION}:123456789012:model/${stack.model}` });
  await removeOldObjects(namespace);
  const changed = await describeEndpointStack(aws.endpoint, stack);

  const dryRun = await migrate(['handover', '-n', namespace, '--dry-run']);
  t.is(dryRun.code, 5, dryRun.stderr);
  const handover = await migrate(['handover', '-n', namespace, '--yes']);
  t.is(handover.code, 5, handover.stderr);
  const output = handover.stdout + handover.stderr;
  t.regex(output, /maxCapacity: 4 \(ACK spec\) -> 8 \(AWS\)/);
  t.regex(output, /minCapacity: 1 \(ACK spec\) -> 2 \(AWS\)/);
  t.regex(output, /targetTrackingScalingPolicyConfiguration\.targetValue: 60 \(ACK spec\) -> 80 \(AWS\)/);
  t.regex(output, new RegExp(`endpointConfigName: ${stack.config} \\(ACK spec\\) -> ${newConfig} \\(AWS\\)`));
  t.regex(handover.stderr, /3 object\(s\) kept read-only because AWS differs .*handover --refresh-spec/);
  t.deepEqual(await readOnlyKinds(namespace), ['Endpoint', 'ScalableTarget', 'ScalingPolicy'], 'the Model and EndpointConfig, unchanged in AWS, were handed over');

  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, []);
  t.deepEqual(await describeEndpointStack(aws.endpoint, stack), changed, 'AWS is as the person left it');
});

test('negative control: handover --skip-aws-check releases the drifted objects and ACK rolls AWS back at its next resync', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, 'drift-rollback');
  await changeAws(stack);
  await removeOldObjects(namespace);
  const handover = await migrate(['handover', '-n', namespace, '--yes', '--skip-aws-check']);
  t.is(handover.code, 0, handover.stderr);
  t.regex(handover.stderr, /was not compared with AWS; a rollback by ACK is not ruled out/);
  await simulator.resyncNow();
  const after = await describeEndpointStack(aws.endpoint, stack);
  t.is(after.endpoint['EndpointConfigName'], stack.config, 'the endpoint is pointed back at the old config');
  t.like(after.target, { MinCapacity: 1, MaxCapacity: 4 });
  t.like(after.policy, { TargetTrackingScalingPolicyConfiguration: { TargetValue: 60 } });
  t.true(simulator.awsWrites.some((write) => write.startsWith('UpdateEndpoint')), simulator.awsWrites.join('\n'));
});

test('handover --refresh-spec copies AWS into the spec (whole sub-objects, suspended scale-in included), releases, and ACK writes nothing after', async (t) => {
  const { namespace, stack, simulator } = await duringOverlap(t, 'drift-refresh');
  await changeAws(stack);
  await scaleTarget(aws.endpoint, stack, 2, 8, { DynamicScalingInSuspended: true, DynamicScalingOutSuspended: false, ScheduledScalingSuspended: false });
  await retunePolicy(aws.endpoint, stack, 80, { DisableScaleIn: true });
  await removeOldObjects(namespace);
  const changed = await describeEndpointStack(aws.endpoint, stack);

  const manifests = await migrate(['handover', '-n', namespace, '--refresh-spec', '--dry-run', '-o', 'yaml']);
  t.is(manifests.code, 0, manifests.stderr);
  t.regex(manifests.stdout, /maxCapacity: 8/);
  t.regex(manifests.stdout, /dynamicScalingInSuspended: true/);
  t.deepEqual(await readOnlyKinds(namespace), ['Endpoint', 'EndpointConfig', 'Model', 'ScalableTarget', 'ScalingPolicy'], 'a dry run changes nothing');

  const handover = await migrate(['handover', '-n', namespace, '--refresh-spec', '--yes']);
  t.is(handover.code, 0, handover.stderr);
  t.regex(handover.stderr + handover.stdout, /next resync/);
  t.deepEqual(await readOnlyKinds(namespace), []);
  const [target] = await client.listAll(ACK_KINDS.ScalableTarget, { namespace });
  t.like(target!.spec, { minCapacity: 2, maxCapacity: 8, suspendedState: { dynamicScalingInSuspended: true } });

  await simulator.resyncNow();
  await simulator.resyncNow();
  t.deepEqual(simulator.awsWrites, []);
  t.deepEqual(await describeEndpointStack(aws.endpoint, stack), changed);
});

test('cleanup keeps the old objects of a drifted target (exit 5), and with --refresh-spec removes them with AWS unchanged', async (t) => {
  const { namespace, stack } = await duringOverlap(t, 'drift-cleanup');
  await scaleTarget(aws.endpoint, stack, 2, 8);
  const refused = await migrate(['cleanup', '-n', namespace, '--yes', '--backup-dir', backupDirectory()]);
  t.is(refused.code, 5, refused.stderr);
  t.regex(refused.stdout + refused.stderr, /maxCapacity: 4 \(ACK spec\) -> 8 \(AWS\)/);
  t.regex(refused.stderr, /kept because an AWS resource they stand for vanished, changed since adoption, or could not be read.*HostingAutoscalingPolicy\/hap.*cleanup --refresh-spec/);
  t.truthy(await client.get(oldType('HostingAutoscalingPolicy'), 'hap', namespace));
  t.is((await client.listAll(oldType('HostingDeployment'), { namespace })).length, 0, 'the HostingDeployment, whose resources match, was removed');

  const refreshed = await migrate(['cleanup', '-n', namespace, '--yes', '--refresh-spec', '--backup-dir', backupDirectory()]);
  t.is(refreshed.code, 0, refreshed.stderr);
  t.is((await client.listAll(oldType('HostingAutoscalingPolicy'), { namespace })).length, 0);
  t.like((await describeEndpointStack(aws.endpoint, stack)).target, { MinCapacity: 2, MaxCapacity: 8 });
});

test('a resource replaced in AWS is never cleaned up: cleanup keeps its old object and names what the endpoint serves now', async (t) => {
  const { namespace, stack } = await duringOverlap(t, 'vanished');
  // What the old operator does when a HostingDeployment is edited: new config, endpoint moved, old config and model deleted.
  const replacement = `${stack.model}-v2`;
  await callAws(aws.endpoint, 'sagemaker', REGION, 'CreateModel', { ModelName: replacement, ExecutionRoleArn: stack.role, PrimaryContainer: { Image: stack.image } });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'CreateEndpointConfig', {
    EndpointConfigName: `${stack.config}-v2`,
    ProductionVariants: [{ VariantName: stack.variant, ModelName: replacement, InitialInstanceCount: 1, InstanceType: stack.instanceType }],
  });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'UpdateEndpoint', { EndpointName: stack.endpoint, EndpointConfigName: `${stack.config}-v2` });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'DeleteEndpointConfig', { EndpointConfigName: stack.config });
  await callAws(aws.endpoint, 'sagemaker', REGION, 'DeleteModel', { ModelName: stack.model });

  const cleanup = await migrate(['cleanup', '-n', namespace, '--yes', '--backup-dir', backupDirectory()]);
  t.is(cleanup.code, 5, cleanup.stderr);
  t.regex(cleanup.stdout + cleanup.stderr, new RegExp(`Model ${stack.model} no longer exists in AWS \\(${REGION}\\): it was replaced .*endpoint ${stack.endpoint} now serves EndpointConfig ${stack.config}-v2 with model\\(s\\) ${replacement}: adopt those first`));
  t.truthy(await client.get(oldType('HostingDeployment'), 'host', namespace), 'the HostingDeployment is kept');
});

test('AWS that cannot be read stops the objects concerned with one line and exit 5: no credentials, another account', async (t) => {
  const { namespace } = await duringOverlap(t, 'aws-access');
  await removeOldObjects(namespace);
  const { AWS_ACCESS_KEY_ID: _id, AWS_SECRET_ACCESS_KEY: _secret, ...withoutKeys } = awsEnvironment();
  const noCredentials = await migrate(['handover', '-n', namespace, '--yes'], withoutKeys);
  t.is(noCredentials.code, 5, noCredentials.stderr);
  t.regex(noCredentials.stdout + noCredentials.stderr, /AWS could not be read: no AWS credentials from the default credential chain .*aws configure, aws sso login/);
  t.deepEqual(await readOnlyKinds(namespace), ['Endpoint', 'EndpointConfig', 'Model', 'ScalableTarget', 'ScalingPolicy']);

  const [model] = await client.listAll(ACK_KINDS.Model, { namespace });
  const metadata = model!.status!['ackResourceMetadata'] as Record<string, unknown>;
  await client.patchStatus(ACK_KINDS.Model, model!.metadata.name, namespace, { status: { ackResourceMetadata: { ...metadata, ownerAccountID: '210987654321' } } });
  writeFileSync(path.join(directory, 'config'), '[profile other-account]\nregion = us-east-2\n');
  writeFileSync(path.join(directory, 'credentials'), '[other-account]\naws_access_key_id = testing\naws_secret_access_key = testing\n');
  const env = awsEnvironment({ AWS_CONFIG_FILE: path.join(directory, 'config'), AWS_SHARED_CREDENTIALS_FILE: path.join(directory, 'credentials') });
  const otherAccount = await migrate(['handover', '-n', namespace, '--yes', '--aws-profile-for', '210987654321=other-account'], env);
  t.is(otherAccount.code, 5, otherAccount.stderr);
  t.regex(otherAccount.stdout + otherAccount.stderr, /the AWS credentials of profile other-account are for account 123456789012, but the resource belongs to account 210987654321/);
  t.deepEqual(await readOnlyKinds(namespace), ['Model'], 'every other object was handed over');
});

test('an object whose read-only annotation was dropped during the overlap is reported by cleanup and handover as possibly written by ACK, with its drift', async (t) => {
  const { namespace, stack } = await duringOverlap(t, 'overlap-ended');
  const [target] = await client.listAll(ACK_KINDS.ScalableTarget, { namespace });
  // What a GitOps sync of a manifest without the annotation does.
  await client.mergePatch(ACK_KINDS.ScalableTarget, target!.metadata.name, namespace, { metadata: { annotations: { 'services.k8s.aws/read-only': null } } });
  await scaleTarget(aws.endpoint, stack, 2, 8);

  const handover = await migrate(['handover', '-n', namespace, '--dry-run']);
  t.is(handover.code, 5, handover.stderr);
  t.regex(handover.stderr, /not read-only while its old objects remain \(HostingAutoscalingPolicy [^)]+\): ACK may already have written to AWS; AWS differs from its spec/);
  t.regex(handover.stderr, /maxCapacity: 4 \(ACK spec\) -> 8 \(AWS\)/);

  const cleanup = await migrate(['cleanup', '-n', namespace, '--yes', '--backup-dir', backupDirectory()]);
  t.is(cleanup.code, 5, cleanup.stderr);
  t.regex(cleanup.stderr, /HostingAutoscalingPolicy\/hap +keep +AWS check: ScalableTarget\/\S+: AWS changed since adoption.*\(it is no longer read-only, so ACK may already have written to AWS\)/);
  t.truthy(await client.get(oldType('HostingAutoscalingPolicy'), 'hap', namespace));
});
