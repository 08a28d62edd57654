// handover's one write per object is guarded by the resourceVersion it read: another writer's change between the
// read and the patch must give a conflict reported for that object, never a patch over a version nobody judged.
// A proxy holds the plugin's patch while the other writer changes the object, so the race happens every run.
//
// Catches a handover patch without the resourceVersion (seen failing so: exit 0, the object handed over on top of
// the other writer's change).

import test from 'ava';
import { ACK_ANNOTATIONS, ACK_KINDS } from '../../src/core/model/ack-kinds.ts';
import { adoptedNamespace } from '../support/adopted-scenario.ts';
import { runPlugin } from '../support/cli.ts';
import { adminClient, closeAfter } from '../support/cluster.ts';
import { startHoldingProxy } from '../support/holding-proxy.ts';
import { exampleObjects, oldType } from '../support/scenario.ts';

test('an ACK object changed between handover reading it and patching it is reported as a conflict (exit 6) and keeps observe-only', async (t) => {
  const client = closeAfter(t, adminClient());
  const { namespace } = await adoptedNamespace(t, client, 'handover-race', (ns) => exampleObjects(ns).filter((object) => object.metadata.name === 'churn-model'));
  await client.delete(oldType('Model'), 'churn-model', namespace);
  await client.mergePatch(oldType('Model'), 'churn-model', namespace, { metadata: { finalizers: null } });
  const [model] = await client.listAll(ACK_KINDS.Model, { namespace });
  const name = model!.metadata.name;

  const patchPath = `/apis/${ACK_KINDS.Model.group}/${ACK_KINDS.Model.version}/namespaces/${namespace}/models/${name}`;
  let interfered = 0;
  const proxy = await startHoldingProxy((method, path) => {
    if (method !== 'PATCH' || !path.startsWith(patchPath)) return undefined;
    interfered += 1;
    return client.mergePatch(ACK_KINDS.Model, name, namespace, { metadata: { labels: { 'changed-by': 'someone-else' } } }).then(() => undefined);
  });
  t.teardown(() => proxy.close());

  const result = await runPlugin(['handover', '--skip-aws-check', '-n', namespace, '--yes'], { kubeconfig: proxy.kubeconfig });
  t.is(interfered, 1, 'the plugin patched the object once, after the other writer');
  t.is(result.code, 6, result.stderr);
  t.regex(result.stderr, new RegExp(`error: 1 object\\(s\\) could not be handed over: Model/${name}: Conflict: .*the object has been modified`));
  const after = await client.get(ACK_KINDS.Model, name, namespace);
  t.is(after.metadata.annotations?.[ACK_ANNOTATIONS.readOnly], 'true', 'still observe-only');
  t.is(after.metadata.labels?.['changed-by'], 'someone-else', "the other writer's change stands");
});
