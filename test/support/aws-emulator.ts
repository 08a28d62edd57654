// AWS for any test: moto (started from SMM_TEST_MOTO_SERVER, which scripts/run-tests.ts sets in every phase) behind
// the loopback front of moto-front.ts, which records every call and plays UpdateEndpoint. One plain http URL serves
// SageMaker, Application Auto Scaling and STS: point AWS_ENDPOINT_URL (or a client's `endpoint`) at it, with the
// fake credentials of moto.ts. moto checks no signature and answers account 123456789012.

import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startMoto } from './moto.ts';
import { motoFront } from './moto-front.ts';

export { FAKE_CREDENTIALS } from './moto.ts';

/** The account moto reports (GetCallerIdentity) and writes into every ARN. */
export const MOTO_ACCOUNT = '123456789012';

export interface AwsEmulator {
  /** Plain http URL for AWS_ENDPOINT_URL: SageMaker, Application Auto Scaling and STS. */
  endpoint: string;
  /** X-Amz-Target (or, for STS, the Action) of every request, in order, e.g. `AnyScaleFrontendService.PutScalingPolicy`. */
  calls: string[];
  stop(): Promise<void>;
}

/**
 * The environment a process needs to reach the emulator with the AWS SDK and nothing else: the endpoint, fake
 * credentials, and no shared config, credentials file or instance metadata of the machine's.
 */
export function awsEnvironment(emulator: Pick<AwsEmulator, 'endpoint'>, directory: string): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: emulator.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_CONFIG_FILE: `${directory}/no-aws-config`,
    AWS_SHARED_CREDENTIALS_FILE: `${directory}/no-aws-credentials`,
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

export async function startAwsEmulator(directory: string): Promise<AwsEmulator> {
  const motoServer = process.env['SMM_TEST_MOTO_SERVER'];
  if (!motoServer) throw new Error('SMM_TEST_MOTO_SERVER is not set: run tests through scripts/run-tests.ts (npm test)');
  const moto = await startMoto(motoServer, directory);
  const calls: string[] = [];
  const server = http.createServer(motoFront(moto.endpoint, calls));
  const sockets = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls,
    stop: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await moto.stop();
    },
  };
}
