// What counts as adopted: the AWS identity on the ACK object itself, besides ACK's marker and finalizer; and a sync
// error on an adopted object is a sync error, not an adoption failure. The ACK side is the ADOPTION SIMULATOR.

import test from 'ava';
import { ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { adoptedNamespace, backupDirectory } from '../support/adopted-scenario.ts';
import { AdoptionSimulator } from '../support/ack-simulator.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter, freshNamespace, testKubeconfig } from '../support/cluster.ts';
import { exampleAwsResources, exampleObjects, oldType, seedOldObjects } from '../support/scenario.ts';

interface StatusJson {
  rows: Array<{ source: string; oldObject: string; targets: Array<{ ackKind: string; state: string; syncError?: string; message?: string }> }>;
  summary: Record<string, number>;
  syncErrors: number;
}

test('after handover, an ACK.Terminal on an adopted object shows as adopted with a sync error, and status exits 0', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace } = await adoptedNamespace(t, client, 'sync-error', (ns) => exampleObjects(ns).filter((object) => object.kind === 'HostingDeployment'));
  t.is((await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() })).code, 0);
  t.is((await runPlugin(['handover', '--skip-aws-check', '-n', namespace, '--yes'], { kubeconfig: testKubeconfig() })).code, 0);
  // What the real sagemaker-controller v1.9.1 wrote after handover: late initialization on an incomplete AWS answer.
  const [endpoint] = await client.listAll(ACK_KINDS.Endpoint, { namespace });
  const conditions = (endpoint!.status!['conditions'] as unknown[]).concat([{ type: 'ACK.Terminal', status: 'True', message: 'not implemented' }]);
  await client.patchStatus(ACK_KINDS.Endpoint, endpoint!.metadata.name, namespace, { status: { conditions } });

  const status = await runPlugin(['status', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(status.code, 0, status.stderr);
  const report = JSON.parse(status.stdout) as StatusJson;
  const endpointTarget = report.rows.flatMap((row) => row.targets).find((target) => target.ackKind === 'Endpoint')!;
  t.like(endpointTarget, { state: 'adopted', syncError: 'ACK.Terminal: not implemented' });
  t.is(report.summary['failed'], 0);
  t.is(report.syncErrors, 1);
  const table = await runPlugin(['status', '-n', namespace, '-o', 'wide'], { kubeconfig: testKubeconfig() });
  t.is(table.code, 0, table.stderr);
  t.regex(table.stdout, /Endpoint\/\S+\s+adopted\s+.*sync-error.*ACK\.Terminal: not implemented/);
  t.regex(table.stdout, /1 adopted resource\(s\) report a sync error from ACK/);
});

test('a stale ACK.ResourceSynced=True on an object ACK marked but could not write is not adoption: status, cleanup and handover keep it', async (t) => {
  const client = closeAfter(t, adminClient());
  const namespace = await freshNamespace(client, 'stale-synced');
  await seedOldObjects(client, exampleObjects(namespace).filter((object) => object.kind === 'ProcessingJob'));
  // moto's DescribeProcessingJob omits ProcessingResources, which the real ProcessingJob CRD requires: ACK's rewrite
  // of the spec is rejected, and with --spec omit the object is left with no identity at all.
  const aws = exampleAwsResources(namespace).map((resource) => {
    if (resource.kind !== 'ProcessingJob') return resource;
    const { processingResources: _dropped, ...spec } = resource.spec!;
    return { ...resource, spec };
  });
  const simulator = new AdoptionSimulator(client, aws, { namespaces: [namespace] });
  simulator.start();
  t.teardown(() => simulator.stop());
  const adopt = await runPlugin(['adopt', '-n', namespace, '--spec', 'omit', '--wait', '--timeout', '5s'], { kubeconfig: testKubeconfig() });
  t.is(adopt.code, 7, adopt.stderr);
  t.regex(adopt.stderr, /marked adopted, but spec\.processingJobName is missing/);
  const [job] = await client.listAll(ACK_KINDS.ProcessingJob, { namespace });
  t.is(job!.metadata.annotations?.['services.k8s.aws/adopted'], 'true');
  await client.patchStatus(ACK_KINDS.ProcessingJob, job!.metadata.name, namespace, {
    status: { conditions: [{ type: 'ACK.ResourceSynced', status: 'True', message: 'Resource synced successfully' }] },
  });

  const status = await runPlugin(['status', '-n', namespace, '-o', 'json'], { kubeconfig: testKubeconfig() });
  const [target] = (JSON.parse(status.stdout) as StatusJson).rows[0]!.targets;
  t.like(target, { state: 'pending' });
  const cleanup = await runPlugin(['cleanup', '--skip-aws-check', '-n', namespace, '--yes', '--backup-dir', backupDirectory()], { kubeconfig: testKubeconfig() });
  t.is(cleanup.code, 5, cleanup.stderr);
  t.is((await client.listAll(oldType('ProcessingJob'), { namespace })).length, 1, 'the old object is kept');
  const handover = await runPlugin(['handover', '--skip-aws-check', '-n', namespace, '--yes', '-o', 'json'], { kubeconfig: testKubeconfig() });
  t.is(handover.code, 0, handover.stderr);
  t.like((JSON.parse(handover.stdout) as { items: Array<{ action: string }> }).items[0], { action: 'keep' });
  t.is((await client.get(ACK_KINDS.ProcessingJob, job!.metadata.name, namespace)).metadata.annotations?.['services.k8s.aws/read-only'], 'true');
});
