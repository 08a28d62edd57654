// Stands between the REAL old operator and moto, on loopback only. The 2021 operator reaches SageMaker at the URL
// it is given (AWS_DEFAULT_SAGEMAKER_ENDPOINT), but Application Auto Scaling only at its AWS default
// (https://application-autoscaling.<region>.amazonaws.com: aws-sdk-go v1.37.3 has no endpoint variable), so it is
// run with HTTPS_PROXY pointing here and AWS_CA_BUNDLE trusting a throw-away CA: CONNECTs to *.amazonaws.com:443 are
// answered here with that CA's certificate and forwarded to moto; nothing ever leaves the machine.
//
// It also corrects two places where moto answers unlike SageMaker and the operator cannot cope:
// - three not-found messages: the operator decides "not created yet, create it" by the message prefix AWS sends
//   (controllers/sdkutil/clientwrapper/sagemaker_client.go: DescribeTrainingJob404MessagePrefix and the others), so
//   with moto's words it never creates those jobs;
// - DescribeModel with an empty `VpcConfig: {}` for a model without one, where SageMaker leaves the field out: the
//   operator reads that as a changed spec and deletes and re-creates the model on every reconcile (every 5 s).
// UpdateEndpoint, which moto cannot execute, is played by the front both share with the AWS emulator (moto-front.ts).
// Everyone else (the plugin, the simulated ACK controllers, the tests' own reads) goes through a second, plain front
// on the same moto: without the operator's corrections, but with the same endpoint updates, so that an endpoint the
// operator moved to a new EndpointConfig is described so to all, as SageMaker would describe it.

import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { motoFront, type EndpointUpdate } from './moto-front.ts';

/** X-Amz-Target → [moto's message, SageMaker's message prefix as the operator expects it]. */
const NOT_FOUND_MESSAGES: Record<string, [RegExp, string]> = {
  'SageMaker.DescribeTrainingJob': [/^Could not find training job /, 'Requested resource not found.'],
  'SageMaker.DescribeProcessingJob': [/^Could not find processing job /, 'Could not find requested job'],
  'SageMaker.DescribeHyperParameterTuningJob': [/^Could not find hyper parameter tuning job /, "Amazon SageMaker can't find a tuning job"],
};

export interface AwsGateway {
  /** Plain HTTP on loopback: the SageMaker endpoint (AWS_DEFAULT_SAGEMAKER_ENDPOINT) and the proxy (HTTPS_PROXY). */
  url: string;
  /** The CA that signed the *.amazonaws.com certificate, for AWS_CA_BUNDLE. */
  caPath: string;
  /** Every AWS action that went through, in order (X-Amz-Target), so tests can show what the operator called. */
  actions: string[];
  /** Plain HTTP on loopback for everyone but the operator (AWS_ENDPOINT_URL): the same AWS, answered as moto answers. */
  awsEndpoint: string;
  /** Every AWS action sent to `awsEndpoint`, in order. */
  awsCalls: string[];
  stop(): Promise<void>;
}

export async function startAwsGateway(motoEndpoint: string, directory: string): Promise<AwsGateway> {
  const { caPath, certificate, key } = writeCertificates(directory);
  const actions: string[] = [];
  const updates = new Map<string, EndpointUpdate>();
  const forward = motoFront(motoEndpoint, actions, asSageMakerAnswers, updates);
  const awsCalls: string[] = [];
  const plain = http.createServer(motoFront(motoEndpoint, awsCalls, undefined, updates));

  const tlsServer = https.createServer({ cert: certificate, key }, forward);
  const server = http.createServer(forward);
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('connect', (request: http.IncomingMessage, socket: Socket, head: Buffer) => {
    if (!/^[a-z0-9.-]+\.amazonaws\.com:443$/.test(request.url ?? '')) {
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length > 0) socket.unshift(head);
    tlsServer.emit('connection', socket);
  });
  plain.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => plain.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    caPath,
    actions,
    awsEndpoint: `http://127.0.0.1:${(plain.address() as AddressInfo).port}`,
    awsCalls,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await new Promise<void>((resolve) => plain.close(() => resolve()));
    },
  };
}

function asSageMakerAnswers(target: string, status: number, body: string): string {
  if (target === 'SageMaker.DescribeModel' && status === 200) {
    const parsed = JSON.parse(body) as Record<string, unknown>;
    const vpcConfig = parsed['VpcConfig'];
    if (typeof vpcConfig !== 'object' || vpcConfig === null || Object.keys(vpcConfig).length > 0) return body;
    const { VpcConfig: _empty, ...withoutVpcConfig } = parsed;
    return JSON.stringify(withoutVpcConfig);
  }
  const rule = NOT_FOUND_MESSAGES[target];
  if (!rule || status !== 400) return body;
  const parsed = JSON.parse(body) as Record<string, unknown>;
  if (!rule[0].test(String(parsed['Message'] ?? ''))) return body;
  return JSON.stringify({ ...parsed, Message: rule[1] });
}

function writeCertificates(directory: string): { caPath: string; certificate: Buffer; key: Buffer } {
  const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: directory, stdio: ['ignore', 'ignore', 'pipe'] });
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'aws-ca.key');
  openssl('req', '-x509', '-new', '-key', 'aws-ca.key', '-out', 'aws-ca.crt', '-days', '2', '-subj', '/O=rehearsal/CN=rehearsal-aws-gateway');
  openssl('ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', 'aws.key');
  openssl('req', '-new', '-key', 'aws.key', '-out', 'aws.csr', '-subj', '/CN=amazonaws.com');
  const regions = ['us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1'];
  writeFileSync(path.join(directory, 'aws.ext'), `subjectAltName=${regions.map((region) => `DNS:*.${region}.amazonaws.com`).join(',')}\nextendedKeyUsage=serverAuth\n`);
  openssl('x509', '-req', '-in', 'aws.csr', '-CA', 'aws-ca.crt', '-CAkey', 'aws-ca.key', '-CAcreateserial', '-days', '2', '-out', 'aws.crt', '-extfile', 'aws.ext');
  return { caPath: path.join(directory, 'aws-ca.crt'), certificate: readFileSync(path.join(directory, 'aws.crt')), key: readFileSync(path.join(directory, 'aws.key')) };
}
