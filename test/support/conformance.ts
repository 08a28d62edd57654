// What the simulator's conformance tests share: moto seeded with a recorded run's Create calls, and an annotation
// adoption by the simulator compared field by field with what the REAL controllers wrote.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import yaml from 'js-yaml';
import { ACK_KINDS, type AckKindName } from '../../src/core/model/ack-kinds.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator, type AckRuntime } from './ack-simulator.ts';
import { adminClient, closeAfter, freshNamespace } from './cluster.ts';
import { callAws } from './moto.ts';
import { comparableAcrossRuns, recorded } from './recorded-ack.ts';
import { waitForObjects } from './waiting.ts';

/** Makes in moto the AWS resources of a recorded run: `aws-seed.yaml` in `fixtures`, AWS's own Create calls. */
export async function seedRecordedRun(endpoint: string, fixtures: string): Promise<void> {
  const calls = yaml.load(readFileSync(path.join(fixtures, 'aws-seed.yaml'), 'utf8')) as Array<{ service: 'sagemaker' | 'application-autoscaling'; action: string; input: Record<string, unknown> }>;
  for (const call of calls) await callAws(endpoint, call.service, 'us-west-2', call.action, call.input);
}

/**
 * Creates today's manifests in a fresh namespace with the simulator of `runtime` reading moto, waits until each has
 * a condition, and compares each with the recording field by field; read-only adoption writes nothing to AWS.
 */
export async function adoptsAsRecorded(t: ExecutionContext, options: { runtime: AckRuntime; recording: string; manifests: KubeObject[]; awsEndpoint: string; namespacePrefix: string }): Promise<void> {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, options.namespacePrefix);
  const observed = recorded(options.recording);
  const simulator = new AdoptionSimulator(client, [], { namespaces: [namespace], runtime: options.runtime, aws: { endpoint: options.awsEndpoint } });
  simulator.start();
  t.teardown(() => simulator.stop());
  const names = (objects: KubeObject[]): string[] => objects.map((object) => `${object.kind}/${object.metadata.name}`).sort();
  t.deepEqual(names(options.manifests), names(observed));
  for (const object of options.manifests) await client.create(ACK_KINDS[object.kind as AckKindName], { ...object, metadata: { ...object.metadata, namespace } });
  const adopted = await waitForObjects(client, observed, namespace, (object) => Boolean(object.status?.['conditions']));
  for (const [index, object] of adopted.entries()) {
    t.deepEqual(comparableAcrossRuns(object), comparableAcrossRuns(observed[index]!), `${object.kind}/${object.metadata.name}`);
  }
  t.deepEqual(simulator.awsWrites, [], 'read-only adoption writes nothing to AWS');
}
