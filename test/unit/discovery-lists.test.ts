// An all-namespaces discovery asks for every kind's list while it asks which kinds are served, so a cluster without
// some CRDs answers those lists with 404: they must be dropped, never fail the run or count. Seen red with the lists
// awaited whatever discovery says (the run fails on the first 404).

import test from 'ava';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/client.ts';
import { discoverByNamespaceGroup } from '../../src/core/discovery/discover.ts';
import type { Inventory } from '../../src/core/discovery/inventory.ts';

const OLD_JOB = {
  metadata: { name: 'train', namespace: 'ml', uid: 'u-1' },
  spec: { region: 'us-east-1' },
  status: { sageMakerTrainingJobName: 'train-aws', trainingJobStatus: 'Completed' },
};

/** Serves the old TrainingJobs and only ACK's TrainingJobs: every other ACK group and kind is not there. */
function answer(request: http.IncomingMessage, response: http.ServerResponse): void {
  const url = new URL(request.url ?? '/', 'http://scripted');
  const json = (status: number, body: unknown): void => {
    response.writeHead(status, { 'Content-Type': 'application/json' });
    response.end(JSON.stringify(body));
  };
  const list = (items: unknown[]): void => json(200, { items, metadata: { resourceVersion: '5' } });
  const trainingJobs = { resources: [{ name: 'trainingjobs', kind: 'TrainingJob', namespaced: true }] };
  if (request.method === 'POST') return json(201, { status: { allowed: true } });
  switch (url.pathname) {
    case '/apis/sagemaker.aws.amazon.com/v1':
    case '/apis/sagemaker.services.k8s.aws/v1alpha1':
      return json(200, trainingJobs);
    case '/apis/sagemaker.aws.amazon.com/v1/trainingjobs':
      return list([OLD_JOB]);
    case '/apis/sagemaker.services.k8s.aws/v1alpha1/trainingjobs':
    case '/apis/apps/v1/deployments':
      return list([]);
    default:
      return json(404, { kind: 'Status', status: 'Failure', reason: 'NotFound', message: 'the server could not find the requested resource', code: 404 });
  }
}

test('lists asked for before discovery answered are dropped for the kinds the cluster does not serve', async (t) => {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    requests.push(`${request.method} ${request.url}`);
    answer(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromOptions({
    clusters: [{ name: 'scripted', server: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, skipTLSVerify: true }],
    users: [{ name: 'anyone', token: 'token' }],
    contexts: [{ name: 'scripted', cluster: 'scripted', user: 'anyone' }],
    currentContext: 'scripted',
  });
  const client = new KubeClient(kubeConfig, { maxRetries: 0 });
  try {
    const inventories: Inventory[] = [];
    for await (const inventory of discoverByNamespaceGroup(client, { createRights: true }, 'scripted')) inventories.push(inventory);
    t.is(inventories.length, 1);
    t.deepEqual(inventories[0]!.oldObjects.map((object) => `${object.kind} ${object.metadata.namespace}/${object.metadata.name}`), ['TrainingJob ml/train']);
    t.deepEqual(inventories[0]!.cluster?.servedAckKinds, ['TrainingJob']);
    t.false(inventories[0]!.cluster?.adoptedResourceCrdServed);
    // The lists of kinds not served were asked for (and answered 404) while discovery ran.
    t.true(requests.some((line) => line.startsWith('GET /apis/applicationautoscaling.services.k8s.aws/v1alpha1/scalabletargets?')));
    t.true(requests.some((line) => line.startsWith('GET /apis/sagemaker.services.k8s.aws/v1alpha1/endpoints?')));
  } finally {
    client.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
});
