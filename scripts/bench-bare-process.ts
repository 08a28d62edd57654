// The bare client of the adopt floor, as a process of its own: run by the plugin's own Node runtime (which strips
// these types itself), it makes one POST per prepared body, `concurrency` in flight over keep-alive connections,
// and exits 0 once every answer was 201. Started fresh for each timing, as the plugin always is, so that both
// sides pay a process start and an unwarmed HTTP stack; the in-process bare client of bench-adopt.ts pays neither
// after its first round.
// With `reads`, it first asks for those lists all at once and reads their answers to the end without parsing them:
// the API server's share of the reads adopt cannot create without (its duplicate guard reads every old and ACK
// object), for the floor that counts them.
// It imports Node's own modules only (not bench-floor.ts's `send`), so that its start-up is a bare process's.
// Input (argv[2], a JSON file): { server, ca, cert, key, headers, concurrency, reads?: [path], creates: [{ path, body }] }.

import https from 'node:https';
import { readFileSync } from 'node:fs';

interface BareInput {
  server: string;
  ca?: string;
  cert?: string;
  key?: string;
  headers: Record<string, string>;
  concurrency: number;
  reads?: string[];
  creates: Array<{ path: string; body: string }>;
}

const input = JSON.parse(readFileSync(process.argv[2]!, 'utf8')) as BareInput;
const agent = new https.Agent({ keepAlive: true, maxSockets: input.concurrency, ca: input.ca, cert: input.cert, key: input.key });

/** One request whose answer is read to its end unparsed; anything but `expected` fails the run. */
function exchange(method: 'GET' | 'POST', path: string, expected: number, body?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = body === undefined
      ? { ...input.headers, Accept: 'application/json' }
      : { ...input.headers, Accept: 'application/json', 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) };
    const request = https.request(`${input.server}${path}`, { method, agent, headers }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === expected ? resolve() : reject(new Error(`${method} ${path}: ${response.statusCode}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

let next = 0;
const worker = async (): Promise<void> => {
  while (next < input.creates.length) {
    const { path, body } = input.creates[next++]!;
    await exchange('POST', path, 201, body);
  }
};

try {
  await Promise.all((input.reads ?? []).map((path) => exchange('GET', path, 200)));
  await Promise.all(Array.from({ length: input.concurrency }, worker));
  agent.destroy();
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
