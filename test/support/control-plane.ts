// Starts a real etcd + kube-apiserver on loopback (envtest-style, KUBEBUILDER_ASSETS convention) and stops them again.
// RBAC authorization is on; an admin client certificate and static bearer tokens (for limited users and for the
// exec-credential test) are provisioned.

import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, openSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import https from 'node:https';
import { setTimeout as sleep } from 'node:timers/promises';

export interface TokenUser {
  token: string;
  user: string;
  groups: string[];
}

export interface ControlPlane {
  directory: string;
  server: string;
  kubeconfigPath: string;
  caPath: string;
  apiServerPid: number;
  etcdPid: number;
  stop(): Promise<void>;
}

/** Static tokens the API server accepts; tests bind RBAC roles to these user names. */
export const TEST_TOKENS: TokenUser[] = [
  { token: 'exec-credential-token-7c1f', user: 'eks-exec-user', groups: ['system:masters'] },
  { token: 'limited-reader-token-2b9e', user: 'limited-reader', groups: [] },
  { token: 'no-delete-token-51aa', user: 'no-delete-user', groups: [] },
  // Not in system:masters, whose requests API Priority and Fairness exempts from throttling.
  { token: 'throttled-token-93c0', user: 'throttled-user', groups: [] },
  { token: 'namespace-writer-token-4d2f', user: 'namespace-writer', groups: [] },
];

export async function startControlPlane(assetsDirectory: string): Promise<ControlPlane> {
  const directory = mkdtempSync(path.join(tmpdir(), 'smm-envtest-'));
  const pki = path.join(directory, 'pki');
  execFileSync('mkdir', ['-p', pki, path.join(directory, 'etcd')]);
  writeCertificates(pki);
  writeFileSync(
    path.join(directory, 'tokens.csv'),
    TEST_TOKENS.map((t, index) => `${t.token},${t.user},${1000 + index},"${t.groups.join(',')}"`).join('\n') + '\n',
  );

  const [etcdClientPort, etcdPeerPort, apiPort] = await freePorts(3);
  const processes: ChildProcess[] = [];
  const stop = async (): Promise<void> => {
    for (const child of processes.reverse()) await terminate(child);
    rmSync(directory, { recursive: true, force: true });
  };

  try {
    const etcd = spawnLogged(path.join(assetsDirectory, 'etcd'), [
      '--name=envtest',
      `--data-dir=${path.join(directory, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdClientPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=envtest=http://127.0.0.1:${etcdPeerPort}`,
      '--unsafe-no-fsync=true',
      '--quota-backend-bytes=4294967296',
    ], path.join(directory, 'etcd.log'));
    processes.push(etcd);
    await waitFor(`etcd on port ${etcdClientPort}`, 30_000, async () => {
      const body = await httpGet(`http://127.0.0.1:${etcdClientPort}/health`);
      return body.includes('"health":"true"');
    }, etcd);

    const apiServer = spawnLogged(path.join(assetsDirectory, 'kube-apiserver'), [
      `--etcd-servers=http://127.0.0.1:${etcdClientPort}`,
      '--bind-address=127.0.0.1',
      '--advertise-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      `--cert-dir=${pki}`,
      `--tls-cert-file=${path.join(pki, 'apiserver.crt')}`,
      `--tls-private-key-file=${path.join(pki, 'apiserver.key')}`,
      `--client-ca-file=${path.join(pki, 'ca.crt')}`,
      `--token-auth-file=${path.join(directory, 'tokens.csv')}`,
      '--authorization-mode=RBAC',
      `--service-account-issuer=https://127.0.0.1:${apiPort}/`,
      `--service-account-key-file=${path.join(pki, 'sa.key')}`,
      `--service-account-signing-key-file=${path.join(pki, 'sa.key')}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--allow-privileged=true',
      '--disable-admission-plugins=ServiceAccount',
    ], path.join(directory, 'apiserver.log'));
    processes.push(apiServer);

    const server = `https://127.0.0.1:${apiPort}`;
    const ca = readFileSync(path.join(pki, 'ca.crt'));
    const clientCert = readFileSync(path.join(pki, 'admin.crt'));
    const clientKey = readFileSync(path.join(pki, 'admin.key'));
    await waitFor('kube-apiserver /readyz', 90_000, async () => {
      const body = await httpsGet(`${server}/readyz`, ca, clientCert, clientKey);
      return body.trim() === 'ok';
    }, apiServer);
    await waitFor('namespace default', 20_000, async () => {
      const body = await httpsGet(`${server}/api/v1/namespaces/default`, ca, clientCert, clientKey);
      return body.includes('"name":"default"');
    }, apiServer);

    const kubeconfigPath = path.join(directory, 'kubeconfig');
    writeFileSync(kubeconfigPath, adminKubeconfig(server, ca, clientCert, clientKey));
    return {
      directory,
      server,
      kubeconfigPath,
      caPath: path.join(pki, 'ca.crt'),
      apiServerPid: apiServer.pid ?? 0,
      etcdPid: etcd.pid ?? 0,
      stop,
    };
  } catch (error) {
    const logTail = safeTail(path.join(directory, 'apiserver.log')) || safeTail(path.join(directory, 'etcd.log'));
    await stop();
    throw new Error(`${(error as Error).message}\n--- last log lines ---\n${logTail}`);
  }
}

function writeCertificates(pki: string): void {
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: pki, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ecKey = (file: string): void => openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', file);
  ecKey('ca.key');
  openssl('req', '-x509', '-new', '-key', 'ca.key', '-out', 'ca.crt', '-days', '7', '-subj', '/O=envtest/CN=envtest-environment');
  const signed = (name: string, subject: string, extensions: string): void => {
    ecKey(`${name}.key`);
    openssl('req', '-new', '-key', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
    writeFileSync(path.join(pki, `${name}.ext`), extensions);
    openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial',
      '-days', '7', '-out', `${name}.crt`, '-extfile', `${name}.ext`);
  };
  signed('apiserver', '/CN=localhost', 'subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
  signed('admin', '/O=system:masters/CN=admin', 'extendedKeyUsage=clientAuth\n');
  openssl('genrsa', '-out', 'sa.key', '2048');
}

function adminKubeconfig(server: string, ca: Buffer, cert: Buffer, key: Buffer): string {
  const b64 = (data: Buffer): string => data.toString('base64');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '- name: envtest',
    '  cluster:',
    `    server: ${server}`,
    `    certificate-authority-data: ${b64(ca)}`,
    'users:',
    '- name: envtest-admin',
    '  user:',
    `    client-certificate-data: ${b64(cert)}`,
    `    client-key-data: ${b64(key)}`,
    'contexts:',
    '- name: envtest',
    '  context:',
    '    cluster: envtest',
    '    user: envtest-admin',
    '    namespace: default',
    'current-context: envtest',
    '',
  ].join('\n');
}

export function spawnLogged(binary: string, args: string[], logFile: string, env?: NodeJS.ProcessEnv): ChildProcess {
  const log = openSync(logFile, 'a');
  return spawn(binary, args, { stdio: ['ignore', log, log], ...(env ? { env } : {}) });
}

export async function terminate(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const finished = await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)]);
  if (!finished) {
    child.kill('SIGKILL');
    await exited;
  }
}

export async function waitFor(what: string, timeoutMs: number, probe: () => Promise<boolean>, process: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (process.exitCode !== null) throw new Error(`${what}: process exited with code ${process.exitCode}`);
    try {
      if (await probe()) return;
    } catch {
      // not up yet
    }
    await sleep(100);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function httpGet(url: string): Promise<string> {
  const response = await fetch(url);
  return await response.text();
}

function httpsGet(url: string, ca: Buffer, cert: Buffer, key: Buffer): Promise<string> {
  return new Promise((resolve, reject) => {
    const request = https.get(url, { ca, cert, key, timeout: 2000 }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve(response.statusCode === 200 ? body : ''));
    });
    request.on('error', reject);
    request.on('timeout', () => request.destroy(new Error('timeout')));
  });
}

function safeTail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}
