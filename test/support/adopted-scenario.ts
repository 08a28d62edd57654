// A namespace where the example's old objects exist and their AWS resources are adopted, as after
// `adopt --wait` with the ADOPTION SIMULATOR playing ACK + AWS.

import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import yaml from 'js-yaml';
import type { KubeClient } from '../../src/kube/client.ts';
import type { KubeObject } from '../../src/kube/objects.ts';
import { AdoptionSimulator } from './ack-simulator.ts';
import { runPlugin } from './cli.ts';
import { freshNamespace, testKubeconfig } from './cluster.ts';
import { exampleAwsResources, exampleObjects, seedOldObjects } from './scenario.ts';

export async function adoptedNamespace(t: ExecutionContext, client: KubeClient, prefix: string, objects?: (namespace: string) => KubeObject[]): Promise<{ namespace: string; seeded: KubeObject[] }> {
  const namespace = await freshNamespace(client, prefix);
  const seeded = await seedOldObjects(client, (objects ?? exampleObjects)(namespace));
  const simulator = new AdoptionSimulator(client, exampleAwsResources(namespace), { namespaces: [namespace] });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await runPlugin(['adopt', '-n', namespace, '--wait', '--timeout', '60s'], { kubeconfig: testKubeconfig() });
  if (adopt.code !== 0) throw new Error(`adopt failed: ${adopt.stderr}`);
  return { namespace, seeded };
}

export function backupDirectory(): string {
  return mkdtempSync(path.join(tmpdir(), 'smm-backup-'));
}

/** Every backed-up object, parsed, keyed by `<kind>/<name>`; the last resourceVersion wins. */
export function readBackups(directory: string): Map<string, KubeObject[]> {
  const found = new Map<string, KubeObject[]>();
  for (const namespace of readdirSync(directory)) {
    for (const file of readdirSync(path.join(directory, namespace)).filter((name) => name.endsWith('.yaml'))) {
      const object = yaml.load(readFileSync(path.join(directory, namespace, file), 'utf8')) as KubeObject;
      const key = `${object.kind}/${object.metadata.name}`;
      found.set(key, [...(found.get(key) ?? []), object]);
    }
  }
  return found;
}
