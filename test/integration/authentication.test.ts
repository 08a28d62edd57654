// Authentication paths users have: exec credential plugins (EKS), bearer tokens with limited RBAC rights.

import { execFileSync } from 'node:child_process';
import test from 'ava';
import { KubeClient } from '../../src/kube/client.ts';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { ClusterError, ForbiddenError } from '../../src/errors.ts';
import type { ResourceType } from '../../src/kube/objects.ts';
import { TEST_TOKENS } from '../support/control-plane.ts';
import { EXEC_CREDENTIAL_SCRIPT, execKubeconfig, tokenKubeconfig } from '../support/kubeconfigs.ts';

const OLD_MODEL: ResourceType = { group: 'sagemaker.aws.amazon.com', version: 'v1', kind: 'Model', plural: 'models', namespaced: true };
const execToken = TEST_TOKENS.find((t) => t.user === 'eks-exec-user')!.token;
const limitedToken = TEST_TOKENS.find((t) => t.user === 'limited-reader')!.token;

test('a kubeconfig whose user runs an exec credential plugin reaches the API server', async (t) => {
  const kubeconfig = execKubeconfig(EXEC_CREDENTIAL_SCRIPT, [execToken]);
  const client = new KubeClient(loadKubeConfig({ kubeconfig }).kubeConfig);
  t.teardown(() => client.close());
  const version = await client.serverVersion();
  t.regex(version.gitVersion, /^v1\.\d+\.\d+/);
  const models = await client.listAll(OLD_MODEL);
  t.true(Array.isArray(models));
});

test('the same exec kubeconfig works for the real kubectl, so users can share one file', (t) => {
  const kubeconfig = execKubeconfig(EXEC_CREDENTIAL_SCRIPT, [execToken]);
  const output = execFileSync('kubectl', ['--kubeconfig', kubeconfig, 'get', 'models.sagemaker.aws.amazon.com', '-A', '-o', 'name'], { encoding: 'utf8' });
  t.is(typeof output, 'string');
});

test('an exec plugin that fails becomes one clear cluster error', async (t) => {
  const kubeconfig = execKubeconfig('/nonexistent/aws', ['eks', 'get-token']);
  const client = new KubeClient(loadKubeConfig({ kubeconfig }).kubeConfig);
  t.teardown(() => client.close());
  const error = await t.throwsAsync(client.serverVersion());
  t.true(error instanceof ClusterError);
  t.regex(error!.message, /^cannot get credentials from the kubeconfig/);
  t.false(error!.message.includes('\n'));
});

test('a token the API server does not know is reported as rejected credentials', async (t) => {
  const client = new KubeClient(loadKubeConfig({ kubeconfig: tokenKubeconfig('not-a-valid-token') }).kubeConfig);
  t.teardown(() => client.close());
  const error = await t.throwsAsync(client.listAll(OLD_MODEL));
  t.true(error instanceof ClusterError);
  t.regex(error!.message, /401 Unauthorized/);
});

test('a user without list rights gets a forbidden error that names the resource', async (t) => {
  const client = new KubeClient(loadKubeConfig({ kubeconfig: tokenKubeconfig(limitedToken) }).kubeConfig);
  t.teardown(() => client.close());
  const error = await t.throwsAsync(client.listAll(OLD_MODEL, { namespace: 'default' }));
  t.true(error instanceof ForbiddenError);
  t.regex(error!.message, /models\.sagemaker\.aws\.amazon\.com/);
  t.false(await client.canI({ verb: 'delete', group: 'sagemaker.aws.amazon.com', resource: 'models', namespace: 'default' }));
});

test('an unreachable API server is one clear line, not a stack trace', async (t) => {
  const kubeconfig = tokenKubeconfig('x');
  const loaded = loadKubeConfig({ kubeconfig });
  loaded.kubeConfig.clusters[0] = { ...loaded.kubeConfig.clusters[0]!, server: 'https://127.0.0.1:1' };
  const client = new KubeClient(loaded.kubeConfig, { maxRetries: 0 });
  t.teardown(() => client.close());
  const error = await t.throwsAsync(client.serverVersion());
  t.true(error instanceof ClusterError);
  t.regex(error!.message, /cannot reach the API server at https:\/\/127\.0\.0\.1:1 \(ECONNREFUSED\)/);
});
