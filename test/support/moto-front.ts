// The loopback front every test client of moto goes through (the old operator's gateway, the AWS emulator): it
// forwards each request to moto, records which AWS action it was, and plays SageMaker's UpdateEndpoint, which moto
// 5.2.5 cannot execute (it answers 500): the endpoint's new EndpointConfigName (and DeploymentConfig) is kept here,
// answered as SageMaker answers, and shown in every later DescribeEndpoint, as SageMaker shows it once the update
// is done. moto's own answers are otherwise passed on unchanged, unless the caller asks for a rewrite.

import http from 'node:http';

/** What an UpdateEndpoint set, by region and endpoint name. */
export interface EndpointUpdate {
  endpointConfigName: string;
  deploymentConfig?: unknown;
  /** Seconds since the epoch, as SageMaker's JSON protocol writes timestamps. */
  at: number;
}

/** Rewrites moto's answer body for one action (the gateway corrects a few messages for the old operator). */
export type AnswerRewrite = (action: string, status: number, body: string) => string;

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * The request listener of a front to moto. `calls` receives, in order, the X-Amz-Target of each JSON-protocol request
 * (e.g. `SageMaker.DescribeEndpoint`) or the Action of a query-protocol one (STS: `GetCallerIdentity`). Fronts given
 * the same `updates` show one AWS: an endpoint updated through one is described updated through the other.
 */
export function motoFront(motoEndpoint: string, calls: string[], rewrite?: AnswerRewrite, updates = new Map<string, EndpointUpdate>()): http.RequestListener {
  const toMoto = (request: http.IncomingMessage, body: Buffer, headers: http.IncomingHttpHeaders = request.headers): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const upstream = http.request(`${motoEndpoint}${request.url ?? '/'}`, { method: request.method, headers }, (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => resolve({ status: answer.statusCode ?? 500, headers: answer.headers, body: Buffer.concat(chunks).toString('utf8') }));
      });
      upstream.on('error', reject);
      upstream.end(body);
    });
  // A SageMaker call of our own, signed like the request it serves (moto reads only the credential scope).
  const sageMaker = (request: http.IncomingMessage, action: string, input: Record<string, unknown>): Promise<Answer> => {
    const body = Buffer.from(JSON.stringify(input));
    const headers = { ...request.headers, 'x-amz-target': `SageMaker.${action}`, 'content-length': String(body.length) };
    return toMoto(request, body, headers);
  };

  const updateEndpoint = async (request: http.IncomingMessage, input: Record<string, unknown>): Promise<Answer> => {
    const region = regionOf(request);
    const endpoint = await sageMaker(request, 'DescribeEndpoint', { EndpointName: input['EndpointName'] });
    if (endpoint.status !== 200) return endpoint;
    const config = await sageMaker(request, 'DescribeEndpointConfig', { EndpointConfigName: input['EndpointConfigName'] });
    if (config.status !== 200) {
      return jsonAnswer(400, { __type: 'ValidationException', Message: `Could not find endpoint configuration "${String(input['EndpointConfigName'])}".` }, 'ValidationException');
    }
    updates.set(`${region}/${String(input['EndpointName'])}`, {
      endpointConfigName: String(input['EndpointConfigName']),
      ...(input['DeploymentConfig'] !== undefined ? { deploymentConfig: input['DeploymentConfig'] } : {}),
      at: Date.now() / 1000,
    });
    return jsonAnswer(200, { EndpointArn: (JSON.parse(endpoint.body) as Record<string, unknown>)['EndpointArn'] });
  };

  const withUpdates = (request: http.IncomingMessage, action: string, input: Record<string, unknown>, answer: Answer): Answer => {
    const key = `${regionOf(request)}/${String(input['EndpointName'])}`;
    if (action === 'SageMaker.DeleteEndpoint' && answer.status === 200) updates.delete(key);
    const update = updates.get(key);
    if (action !== 'SageMaker.DescribeEndpoint' || answer.status !== 200 || !update) return answer;
    const described = JSON.parse(answer.body) as Record<string, unknown>;
    described['EndpointConfigName'] = update.endpointConfigName;
    described['LastModifiedTime'] = update.at;
    if (update.deploymentConfig !== undefined) described['LastDeploymentConfig'] = update.deploymentConfig;
    return { ...answer, body: JSON.stringify(described) };
  };

  return (request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const action = actionOf(request, body);
      calls.push(action);
      const input = request.headers['x-amz-target'] ? parseJson(body) : {};
      const answered = action === 'SageMaker.UpdateEndpoint' ? updateEndpoint(request, input) : toMoto(request, body).then((answer) => withUpdates(request, action, input, answer));
      answered.then(
        (answer) => {
          const text = rewrite ? rewrite(action, answer.status, answer.body) : answer.body;
          response.writeHead(answer.status, { ...answer.headers, 'content-length': String(Buffer.byteLength(text)) });
          response.end(text);
        },
        (error: Error) => {
          response.writeHead(502);
          response.end(error.message);
        },
      );
    });
  };
}

function actionOf(request: http.IncomingMessage, body: Buffer): string {
  const target = request.headers['x-amz-target'];
  if (target) return String(target);
  const query = new URLSearchParams(body.toString('utf8')).get('Action') ?? new URL(request.url ?? '/', 'http://front').searchParams.get('Action');
  return query ?? '';
}

/** The region of the credential scope: `Credential=AKID/20260101/us-west-2/sagemaker/aws4_request`. */
function regionOf(request: http.IncomingMessage): string {
  return /Credential=[^/]+\/[^/]+\/([^/]+)\//.exec(String(request.headers['authorization'] ?? ''))?.[1] ?? 'us-east-1';
}

function parseJson(body: Buffer): Record<string, unknown> {
  try {
    return JSON.parse(body.toString('utf8') || '{}') as Record<string, unknown>;
  } catch {
    return {};
  }
}

function jsonAnswer(status: number, value: Record<string, unknown>, errorType?: string): Answer {
  return {
    status,
    headers: { 'content-type': 'application/x-amz-json-1.1', ...(errorType ? { 'x-amzn-errortype': errorType } : {}) },
    body: JSON.stringify(value),
  };
}
