// The bundle takes client-node's KubeConfig without the generated API classes and models (scripts/build.ts), which
// every command that reads a kubeconfig evaluated at start: the KubeConfig bundled so must still load a kubeconfig
// and give the credentials, and the models must be gone. Seen red without the plugin (the models are bundled).

import type https from 'node:https';
import test from 'ava';
import type { KubeConfig } from '@kubernetes/client-node';
import { bundledModule } from '../support/bundled.ts';
import { ROOT } from '../support/environment.ts';

const KUBECONFIG = `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: secret-token}
contexts:
- name: x
  context: {cluster: c, user: u, namespace: ml}
current-context: x
`;

test('client-node\'s KubeConfig is bundled without the generated API models, and still gives the credentials', async (t) => {
  const bundled = await bundledModule<{ KubeConfig: new () => KubeConfig }>("export { KubeConfig } from '@kubernetes/client-node/dist/config.js';", ROOT);
  try {
    t.false(bundled.text.includes('V1PodSpec'), 'the generated models are left out');
    const kubeConfig = new bundled.exports.KubeConfig();
    kubeConfig.loadFromString(KUBECONFIG);
    t.is(kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace, 'ml');
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    t.is((options.headers as Record<string, string>)['Authorization'], 'Bearer secret-token');
  } finally {
    bundled.remove();
  }
});
