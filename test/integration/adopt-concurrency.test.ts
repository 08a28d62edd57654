// `--concurrency` is what the user gets: adopt with `--concurrency 24` has 24 creates in flight at once, past the
// Kubernetes client's own pool of 16 connections. A proxy holds each create until 24 are waiting (or until no other
// one has come for two seconds) and counts the most held at once.
// Seen red with the client's connections left at 16 whatever --concurrency says (16 held at most).

import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace } from '../support/cluster.ts';
import { startHoldingProxy } from '../support/holding-proxy.ts';
import { oldTrainingJob, seedOldObjects, uniqueAwsName } from '../support/scenario.ts';

const IN_FLIGHT = 24;

test(`adopt --concurrency ${IN_FLIGHT} has ${IN_FLIGHT} creates in flight at once`, async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'concurrency');
  await seedOldObjects(client, Array.from({ length: IN_FLIGHT }, (_, index) => oldTrainingJob(namespace, `job-${index}`, uniqueAwsName(`job-${index}`, namespace))));

  const createPath = new RegExp(`^/apis/sagemaker\\.services\\.k8s\\.aws/v1alpha1/namespaces/${namespace}/trainingjobs\\?`);
  const waiting: Array<() => void> = [];
  let mostHeld = 0;
  let quiet: NodeJS.Timeout | undefined;
  const releaseAll = (): void => {
    for (const release of waiting.splice(0)) release();
  };
  const proxy = await startHoldingProxy((method, path) => {
    if (method !== 'POST' || !createPath.test(path)) return undefined;
    const released = new Promise<void>((resolve) => waiting.push(resolve));
    mostHeld = Math.max(mostHeld, waiting.length);
    clearTimeout(quiet);
    // A client with fewer connections never sends more: what it sent is let go once nothing else comes.
    if (waiting.length >= IN_FLIGHT) releaseAll();
    else quiet = setTimeout(releaseAll, 2000);
    return released;
  });
  t.teardown(async () => {
    clearTimeout(quiet);
    releaseAll();
    await proxy.close();
  });

  const result = await runPlugin(['adopt', '-n', namespace, '--kind', 'TrainingJob', '--method', 'annotation', '--concurrency', String(IN_FLIGHT), '-o', 'json'], { kubeconfig: proxy.kubeconfig });
  t.is(result.code, 0, result.stderr);
  t.is(mostHeld, IN_FLIGHT);
  const outcomes = (JSON.parse(result.stdout) as { outcomes: Array<{ result: string }> }).outcomes;
  t.is(outcomes.filter((outcome) => outcome.result === 'created').length, IN_FLIGHT);
  t.is((await client.listAll(ACK_KINDS.TrainingJob, { namespace })).length, IN_FLIGHT);
});
