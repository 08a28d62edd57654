// A plain-HTTP proxy on loopback in front of the test API server that can hold chosen requests until the test lets
// them go: it puts another writer's change deterministically between two of the plugin's own requests. It speaks to
// the API server as the admin (client certificate), so the plugin's kubeconfig needs no credentials.

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadKubeConfig } from '../../src/kube/config.ts';
import { testKubeconfig } from './cluster.ts';

export interface HoldingProxy {
  /** A kubeconfig whose server is this proxy. */
  kubeconfig: string;
  close(): Promise<void>;
}

/** `hold` sees each request's method and path; the request is forwarded once the promise it returns settles. */
export async function startHoldingProxy(hold: (method: string, path: string) => Promise<void> | undefined): Promise<HoldingProxy> {
  const admin = loadKubeConfig({ kubeconfig: testKubeconfig() }).kubeConfig;
  const tls: https.RequestOptions = {};
  await admin.applyToHTTPSOptions(tls);
  const upstream = new URL(admin.getCurrentCluster()!.server);
  const agent = new https.Agent({ keepAlive: true, ca: tls.ca, cert: tls.cert, key: tls.key });
  const proxy = http.createServer((request, response) => {
    void (async () => {
      await hold(request.method ?? 'GET', request.url ?? '/')?.catch(() => undefined);
      const forwarded = https.request(
        { hostname: upstream.hostname, port: upstream.port, path: request.url, method: request.method, headers: { ...request.headers, host: upstream.host }, agent },
        (answer) => {
          response.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(response);
        },
      );
      forwarded.on('error', () => response.destroy());
      request.pipe(forwarded);
    })();
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  const kubeconfig = path.join(mkdtempSync(path.join(tmpdir(), 'smm-kubeconfig-')), 'config');
  writeFileSync(kubeconfig, JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node refuses a plain-HTTP server unless TLS verification is off: there is no TLS to verify.
    clusters: [{ name: 'proxy', cluster: { server: `http://127.0.0.1:${port}`, 'insecure-skip-tls-verify': true } }],
    users: [{ name: 'through-proxy', user: {} }],
    contexts: [{ name: 'proxy', context: { cluster: 'proxy', user: 'through-proxy', namespace: 'default' } }],
    'current-context': 'proxy',
  }));
  return {
    kubeconfig,
    close: () => {
      agent.destroy();
      proxy.closeAllConnections();
      return new Promise((resolve) => proxy.close(() => resolve()));
    },
  };
}
