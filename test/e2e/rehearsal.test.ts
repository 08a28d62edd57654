// The rehearsal: the REAL old operator (built from its Go module) creates AWS resources in moto for old objects
// written spec-only, then the built plugin migrates them as a user would. The ACK side is the ADOPTION SIMULATOR,
// reading moto as the real controllers read AWS. Steps run in order and share one namespace, one moto and one operator process.
//
// What the 2021 operator cannot do here, and why (also in the README):
// - It spawns no TrainingJob objects for a tuning job: moto 5.2.5 has no ListTrainingJobsForHyperParameterTuningJob
//   (HTTP 500), so the spawner logs an error each reconcile; the tuning job itself is created and completes.
// - moto completes every job at once, so no job is ever InProgress: the operator's StopTrainingJob and other Stop*
//   calls on delete are not exercised (moto has no StopTrainingJob either).
// - Application Auto Scaling is reached only at its AWS address; the gateway (test/support/aws-gateway.ts) answers
//   there, on loopback, and corrects three not-found messages and an empty VpcConfig where moto answers unlike
//   SageMaker (without it, those jobs are never created and every model is re-created every 5 s).
// - A HostingDeployment reports InService one reconcile before its endpointConfigName and modelNames.

import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import test from 'ava';
import yaml from 'js-yaml';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { OLD_KINDS } from '../../src/core/model/kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AckAws } from '../support/ack-aws.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { awsEnvironment } from '../support/aws-emulator.ts';
import { readBackups } from '../support/adopted-scenario.ts';
import { startAwsGateway, type AwsGateway } from '../support/aws-gateway.ts';
import { adminClient, freshNamespace, objectsOfKinds, testKubeconfig } from '../support/cluster.ts';
import { DEPLOYMENT_TYPE } from '../support/deployments.ts';
import { ROOT } from '../support/environment.ts';
import { describeAll, inventoryChanges, startMoto, type DescribedResource, type Moto } from '../support/moto.ts';
import { operatorDeployment, scaleOperatorDeployment, startOldOperator, type OldOperator } from '../support/old-operator.ts';
import { oldType } from '../support/scenario.ts';
import { simulatedKind } from '../support/simulated-aws.ts';

const REGION = 'us-east-2';
const FIXTURES = path.join(ROOT, 'test', 'fixtures', 'rehearsal');
const client = adminClient();
const directory = mkdtempSync(path.join(tmpdir(), 'smm-rehearsal-'));
let namespace = '';
let moto: Moto;
let gateway: AwsGateway;
let operator: OldOperator;

function asset(variable: string): string {
  const value = process.env[variable];
  if (!value) throw new Error(`${variable} is not set: run the rehearsal through \`npm run test:e2e\` or \`npm test\``);
  return value;
}

/** The built single executable, run by kubectl from PATH as `kubectl sagemaker-migrate`. */
const pluginDirectory = path.join(directory, 'bin');
mkdirSync(pluginDirectory);
symlinkSync(asset('SMM_TEST_BINARY'), path.join(pluginDirectory, 'kubectl-sagemaker_migrate'));
const pluginEnv = { PATH: `${pluginDirectory}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: directory, KUBECONFIG: testKubeconfig(), NO_COLOR: '1' };

/** The plugin's environment with AWS at moto (cleanup and handover read AWS), as a user's AWS configuration would point it. */
const pluginAwsEnv = (): Record<string, string> => ({ ...pluginEnv, ...awsEnvironment(moto, directory) });

function migrate(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['sagemaker-migrate', ...args], { env: pluginAwsEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

function userObjects(file: string, values: Record<string, string> = {}): KubeObject[] {
  const text = readFileSync(path.join(FIXTURES, file), 'utf8').replace(/\$\{(\w+)\}/g, (_, key: string) => values[key] ?? `\${${key}}`);
  return (yaml.loadAll(text) as KubeObject[]).map((object) => ({ ...object, metadata: { ...object.metadata, namespace } }));
}

async function oldObject(kind: string, name: string): Promise<KubeObject> {
  return await client.get(oldType(kind), name, namespace);
}

async function oldObjects(): Promise<KubeObject[]> {
  const all: KubeObject[] = [];
  for (const kind of OLD_KINDS) all.push(...(await client.listAll(kind, { namespace })).map((object) => ({ ...object, kind: kind.kind })));
  return all;
}

async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(500);
  }
  throw new Error(`timed out after ${timeoutMs / 1000}s waiting for ${what}; operator log: ${operator.logPath}`);
}

async function waitForStatus(kind: string, name: string, field: string, value: string): Promise<KubeObject> {
  await waitUntil(`${kind}/${name} ${field}=${value}`, 90_000, async () => (await oldObject(kind, name)).status?.[field] === value);
  return await oldObject(kind, name);
}

/**
 * The operator can write InService while endpointConfigName and modelNames are still empty: it reads them from the
 * child objects at the start of the reconcile that creates the endpoint, and fills them in on the next one (5 s later).
 */
async function waitForHostingDeployment(name: string): Promise<KubeObject> {
  await waitUntil(`HostingDeployment/${name} InService with its names`, 90_000, async () => {
    const status = (await oldObject('HostingDeployment', name)).status ?? {};
    return status['endpointStatus'] === 'InService' && Boolean(status['endpointConfigName']) && ((status['modelNames'] as unknown[] | undefined) ?? []).length > 0;
  });
  return await oldObject('HostingDeployment', name);
}

const key = (resource: { ackKind: string; region: string; identifiers: Record<string, string> }): string =>
  `${resource.ackKind} ${resource.region} ${JSON.stringify(Object.fromEntries(Object.entries(resource.identifiers).sort()))}`;

const inventory = async (): Promise<DescribedResource[]> => await describeAll(moto.endpoint, REGION);

let failed = true; // until the set-up has finished
test.before(async (t) => {
  t.timeout(240_000);
  moto = await startMoto(asset('SMM_TEST_MOTO_SERVER'), directory);
  gateway = await startAwsGateway(moto.endpoint, directory);
  namespace = await freshNamespace(client, 'rehearsal');
  await client.create(DEPLOYMENT_TYPE, operatorDeployment(namespace));
  operator = await startOldOperator(asset('SMM_TEST_OLD_OPERATOR'), { kubeconfig: testKubeconfig(), namespace, gateway, directory });

  for (const object of userObjects('user-objects.yaml')) await client.create(oldType(object.kind), object);
  const model = await waitForStatus('Model', 'churn-model', 'status', 'Created');
  const hosting = await waitForHostingDeployment('host-xgboost');
  const values = { CHURN_MODEL: String(model.status?.['sageMakerModelName']), XGBOOST_ENDPOINT: String(hosting.status?.['endpointName']) };
  for (const object of userObjects('referencing-objects.yaml', values)) await client.create(oldType(object.kind), object);

  await waitForStatus('TrainingJob', 'xgboost-mnist', 'trainingJobStatus', 'Completed');
  await waitForStatus('HyperparameterTuningJob', 'xgboost-hpo', 'hyperParameterTuningJobStatus', 'Completed');
  await waitForStatus('ProcessingJob', 'kmeans-processing', 'processingJobStatus', 'Completed');
  await waitForStatus('BatchTransformJob', 'churn-batch', 'transformJobStatus', 'Completed');
  await waitForStatus('EndpointConfig', 'churn-config', 'status', 'Created');
  await waitForHostingDeployment('host-doomed');
  await waitForStatus('HostingAutoscalingPolicy', 'hap-xgboost', 'hostingAutoscalingPolicyStatus', 'Created');
  failed = false;
});

test.afterEach.always((t) => {
  if (!t.passed) failed = true;
});

test.after.always(async (t) => {
  await operator?.stop();
  await gateway?.stop();
  await moto?.stop();
  client.close();
  // Logs of the operator and moto stay for a failed run.
  if (failed) t.log(`operator and moto logs: ${directory}`);
  else rmSync(directory, { recursive: true, force: true });
});

test.serial('the real old operator creates one AWS resource per object in moto and writes its names, finalizers and children', async (t) => {
  t.true(operator.process.exitCode === null && moto.process.exitCode === null, 'the operator and moto are alive');
  const objects = await oldObjects();
  for (const object of objects) t.deepEqual(object.metadata.finalizers, ['sagemaker-operator-finalizer'], `${object.kind}/${object.metadata.name}`);

  const aws = await inventory();
  const names = (kind: string): string[] => aws.filter((resource) => resource.ackKind === kind).map((resource) => Object.values(resource.identifiers)[0]!).sort();
  const statusOf = async (kind: string, name: string, field: string): Promise<string> => String((await oldObject(kind, name)).status?.[field]);
  t.deepEqual(names('TrainingJob'), [await statusOf('TrainingJob', 'xgboost-mnist', 'sageMakerTrainingJobName')]);
  t.deepEqual(names('HyperParameterTuningJob'), [await statusOf('HyperparameterTuningJob', 'xgboost-hpo', 'sageMakerHyperParameterTuningJobName')]);
  t.deepEqual(names('TransformJob'), [await statusOf('BatchTransformJob', 'churn-batch', 'sageMakerTransformJobName')]);
  t.deepEqual(names('ProcessingJob'), [await statusOf('ProcessingJob', 'kmeans-processing', 'sageMakerProcessingJobName')]);
  // Names the operator generated, as old-operator.md section 1.1 describes: <name, at most 30 chars>-<uid without dashes>.
  const job = await oldObject('TrainingJob', 'xgboost-mnist');
  t.is(job.spec?.['trainingJobName'], `xgboost-mnist-${job.metadata.uid!.replaceAll('-', '')}`, 'the generated name is written back into spec');
  t.is((await oldObject('HyperparameterTuningJob', 'xgboost-hpo')).spec?.['hyperParameterTuningJobName'], (await oldObject('HyperparameterTuningJob', 'xgboost-hpo')).metadata.uid!.replaceAll('-', ''));

  // A HostingDeployment is an Endpoint, an EndpointConfig and a Model in AWS, through child objects linked by labels.
  const hosting = await oldObject('HostingDeployment', 'host-xgboost');
  const children = objects.filter((object) => object.metadata.labels?.['owner_HostingDeployment_name'] === 'host-xgboost');
  t.deepEqual(children.map((child) => child.kind).sort(), ['EndpointConfig', 'Model']);
  t.true(children.every((child) => child.metadata.labels?.['owner_HostingDeployment_namespace'] === namespace && !child.metadata.ownerReferences));
  t.true(names('Endpoint').includes(String(hosting.status?.['endpointName'])));
  t.true(names('EndpointConfig').includes(String(hosting.status?.['endpointConfigName'])));
  const modelNames = hosting.status?.['modelNames'] as Array<{ name: string; value: string }>;
  t.deepEqual(modelNames.map((entry) => entry.name), ['xgboost-model']);
  t.true(names('Model').includes(modelNames[0]!.value));
  t.is(children.find((child) => child.kind === 'Model')?.status?.['sageMakerModelName'], modelNames[0]!.value);
  // Two HostingDeployments, one standalone Model and one standalone EndpointConfig.
  t.is(names('Endpoint').length, 2);
  t.is(names('Model').length, 3);
  t.is(names('EndpointConfig').length, 3);

  const policy = await oldObject('HostingAutoscalingPolicy', 'hap-xgboost');
  t.deepEqual(policy.status?.['resourceIDList'], [`endpoint/${String(hosting.status?.['endpointName'])}/variant/AllTraffic`]);
  t.is(policy.spec?.['policyName'], 'SageMakerEndpointInvocationScalingPolicy', 'the default policy name is written back into spec');
  t.deepEqual(aws.filter((resource) => resource.ackKind === 'ScalableTarget').map((resource) => resource.identifiers['resourceID']), policy.status?.['resourceIDList']);
  t.is(aws.filter((resource) => resource.ackKind === 'ScalingPolicy').length, 1);
  t.true(gateway.actions.includes('AnyScaleFrontendService.RegisterScalableTarget'), 'Application Auto Scaling was reached through the gateway');

  // moto lacks ListTrainingJobsForHyperParameterTuningJob: the operator asks, and spawns no TrainingJob objects.
  t.true(gateway.actions.includes('SageMaker.ListTrainingJobsForHyperParameterTuningJob'));
  t.false(objects.some((object) => object.metadata.finalizers?.includes('sagemaker-operator-hpo-trainingjob')));
});

test.serial('plan finds every AWS resource in moto exactly once, named as the operator named it, and sees the running operator', async (t) => {
  const result = await migrate(['plan', '-n', namespace, '-o', 'json']);
  t.is(result.code, 0, result.stderr);
  const plan = JSON.parse(result.stdout) as { targets: Array<{ ackKind: string; region: string; identifiers: Record<string, string> }>; blockers: unknown };
  t.deepEqual(plan.targets.map(key).sort(), (await inventory()).map(key).sort());
  t.regex(JSON.stringify(plan.blockers), new RegExp(`old operator Deployment ${namespace}/sagemaker-k8s-operator-controller-manager is running`));
});

test.serial('adopt --wait adopts every AWS resource through the simulated ACK controllers reading moto, and status reports each adopted', async (t) => {
  // The simulated controllers read moto itself, as the real ones did in the recorded run (not through the gateway,
  // whose corrections are for the old operator).
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], serves: { annotation: true, adoptedResource: false }, defaultRegion: REGION, aws: { endpoint: moto.endpoint } });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await migrate(['adopt', '-n', namespace, '--wait', '--timeout', '90s']);
  t.is(adopt.code, 0, adopt.stderr);
  t.deepEqual(simulator.awsWrites, [], 'observe-only adoption writes nothing to AWS');
  // Each adopted spec is what moto describes, converted as ACK converts it (checked against the real controllers by
  // test/integration/simulator-conformance.test.ts), not identifiers only nor the plugin's translation; except the
  // ProcessingJob, whose rewrite the CRD refuses (moto's answer lacks required fields), so it keeps the plugin's spec.
  // Seen failing with a simulator that adopts with identifiers only, as it did before it read moto.
  const aws = new AckAws(client, moto.endpoint);
  const adopted = (await objectsOfKinds(client, Object.values(ACK_KINDS), namespace)).filter((object) => object.metadata.annotations?.['services.k8s.aws/adopted'] === 'true');
  t.is(adopted.length, (await inventory()).length);
  for (const object of adopted) {
    const kind = simulatedKind(object.apiVersion.split('/')[0], object.kind)!;
    const described = await aws.read(kind, object.spec ?? {}, REGION);
    if (object.kind === 'ProcessingJob') t.is(object.metadata.generation, 1, 'the refused rewrite left the spec as adopt made it');
    else t.deepEqual(object.spec, described?.spec, `${object.kind}/${object.metadata.name}`);
  }
  // And, whatever the conversion, values only moto's answers hold (the operator's defaults among them).
  const raw = await inventory();
  for (const target of adopted.filter((object) => object.kind === 'ScalableTarget')) {
    const inMoto = raw.find((resource) => resource.ackKind === 'ScalableTarget' && resource.identifiers['resourceID'] === target.spec?.['resourceID'])!.description;
    t.like(target.spec, { minCapacity: inMoto['MinCapacity'], maxCapacity: inMoto['MaxCapacity'] });
  }
  for (const model of adopted.filter((object) => object.kind === 'Model')) {
    const inMoto = raw.find((resource) => resource.ackKind === 'Model' && resource.identifiers['modelName'] === model.spec?.['modelName'])!.description;
    const specContainer = (model.spec?.['primaryContainer'] ?? (model.spec?.['containers'] as unknown[] | undefined)?.[0]) as { image?: string } | undefined;
    const motoContainer = (inMoto['PrimaryContainer'] ?? (inMoto['Containers'] as unknown[] | undefined)?.[0]) as { Image?: string } | undefined;
    t.truthy(motoContainer?.Image);
    t.is(specContainer?.image, motoContainer?.Image);
    t.is(model.spec?.['enableNetworkIsolation'], inMoto['EnableNetworkIsolation']);
  }
  const status = await migrate(['status', '-n', namespace, '-o', 'json']);
  t.is(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as { rows: Array<{ source: string; targets: Array<{ state: string }> }> };
  t.is(report.rows.length, (await oldObjects()).length);
  const targets = report.rows.flatMap((row) => row.targets);
  t.true(targets.length > 0 && targets.every((target) => target.state === 'adopted'), JSON.stringify(targets));
});

test.serial('while the operator runs, cleanup refuses (exit 5) and moto is unchanged', async (t) => {
  const before = await inventory();
  const objectsBefore = (await oldObjects()).length;
  const result = await migrate(['cleanup', '-n', namespace, '--yes', '--backup-dir', path.join(directory, 'refused-backup')]);
  t.is(result.code, 5, result.stderr);
  t.regex(result.stderr, /old operator is still running/);
  t.is((await oldObjects()).length, objectsBefore);
  t.deepEqual(inventoryChanges(before, await inventory()), []);
});

test.serial('negative control: a plain kubectl delete of a HostingDeployment under the running operator deletes its endpoint, config and model in moto', async (t) => {
  const doomed = await oldObject('HostingDeployment', 'host-doomed');
  const endpoint = String(doomed.status?.['endpointName']);
  const config = String(doomed.status?.['endpointConfigName']);
  const model = (doomed.status?.['modelNames'] as Array<{ value: string }>)[0]!.value;
  const present = async (): Promise<string[]> => (await inventory()).flatMap((resource) => Object.values(resource.identifiers)).filter((name) => [endpoint, config, model].includes(name));
  t.deepEqual((await present()).sort(), [config, endpoint, model].sort());
  const deletion = spawn('kubectl', ['delete', 'hostingdeployments.sagemaker.aws.amazon.com', 'host-doomed', '-n', namespace, '--timeout=90s'], { env: pluginEnv, stdio: 'ignore' });
  t.is(await new Promise<number | null>((resolve) => deletion.on('close', resolve)), 0);
  await waitUntil('the doomed endpoint, config and model to leave moto', 60_000, async () => (await present()).length === 0);
  t.deepEqual(await present(), []);
  t.true(gateway.actions.includes('SageMaker.DeleteEndpoint'));
});

test.serial('with the operator stopped as the guide says, cleanup --yes (killed once mid-run, then rerun) removes every old object, backs each up, and leaves moto unchanged', async (t) => {
  await scaleOperatorDeployment(client, namespace, 0);
  await operator.stop();
  t.true(operator.process.exitCode !== null || operator.process.signalCode !== null, 'the operator process has ended');
  const before = await inventory();
  const objects = await oldObjects();
  const backups = path.join(directory, 'backup');

  const killed = spawn('kubectl', ['sagemaker-migrate', 'cleanup', '-n', namespace, '--yes', '--concurrency', '1', '--backup-dir', backups], { env: pluginAwsEnv(), stdio: 'ignore' });
  const exited = new Promise((resolve) => killed.once('exit', resolve));
  // Killed as soon as its first backup is on disk: part-way through, one object at a time.
  while (countFiles(backups) === 0 && killed.exitCode === null) await sleep(5);
  killed.kill('SIGKILL');
  await exited;
  const left = (await oldObjects()).length;
  t.true(left > 0, 'killed before it finished');
  t.log(`killed with ${left} of ${objects.length} old objects left`);

  const rerun = await migrate(['cleanup', '-n', namespace, '--yes', '--backup-dir', backups]);
  t.is(rerun.code, 0, rerun.stderr);
  t.deepEqual(await oldObjects(), []);
  t.deepEqual(emptyBackups(backups), [], 'no backup file is empty or cut short');
  const saved = readBackups(backups);
  t.deepEqual([...saved.keys()].sort(), objects.map((object) => `${object.kind}/${object.metadata.name}`).sort());
  for (const copies of saved.values()) t.true(copies.some((copy) => (copy.metadata.finalizers ?? []).includes('sagemaker-operator-finalizer')), 'a copy as the operator left it');
  t.deepEqual(inventoryChanges(before, await inventory()), [], 'every AWS resource is still there, described exactly as before');
  t.is(await client.get(DEPLOYMENT_TYPE, 'sagemaker-k8s-operator-controller-manager', namespace).then((found) => found.spec?.['replicas']), 0);
});

function countFiles(root: string): number {
  try {
    return readdirSync(root, { recursive: true, withFileTypes: true }).filter((entry) => entry.isFile()).length;
  } catch {
    return 0;
  }
}

function emptyBackups(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.yaml'))
    .map((entry) => path.join(entry.parentPath, entry.name))
    .filter((file) => typeof yaml.load(readFileSync(file, 'utf8')) !== 'object');
}
