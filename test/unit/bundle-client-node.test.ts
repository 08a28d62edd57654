// The bundle takes client-node's KubeConfig without the generated API classes and models (scripts/build.ts), which
// every command that reads a kubeconfig evaluated at start: the KubeConfig bundled so must still load a kubeconfig
// and give the credentials, and the models must be gone. Seen red without the plugin (the models are bundled).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { build } from 'esbuild';
import type { KubeConfig } from '@kubernetes/client-node';
import { BUNDLE_PLUGINS } from '../../scripts/build.ts';
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
  const result = await build({
    stdin: { contents: "export { KubeConfig } from '@kubernetes/client-node/dist/config.js';", resolveDir: ROOT, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    write: false,
    plugins: BUNDLE_PLUGINS,
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]!.text;
  t.false(text.includes('V1PodSpec'), 'the generated models are left out');
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-client-node-'));
  try {
    const file = path.join(directory, 'config.cjs');
    writeFileSync(file, text);
    const { KubeConfig: Bundled } = createRequire(import.meta.url)(file) as { KubeConfig: new () => KubeConfig };
    const kubeConfig = new Bundled();
    kubeConfig.loadFromString(KUBECONFIG);
    t.is(kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace, 'ml');
    const options: https.RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    t.is((options.headers as Record<string, string>)['Authorization'], 'Bearer secret-token');
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
});
