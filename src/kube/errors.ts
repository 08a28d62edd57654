// Turns API-server responses and transport failures into one-line typed errors; raw bodies and headers stay in details.

import { ClusterError, ForbiddenError, MigrateError } from '../errors.ts';

/** An error status from the API server, with its Status reason and code kept for callers that branch on them. */
export class KubeApiError extends ClusterError {
  readonly code: number;
  readonly reason: string;
  /** The Status message as the API server wrote it. */
  readonly apiMessage: string;
  constructor(code: number, reason: string, message: string, details?: string, apiMessage = message) {
    super(message, details);
    this.code = code;
    this.reason = reason;
    this.apiMessage = apiMessage;
  }
}

export class KubeForbiddenError extends ForbiddenError {
  readonly code = 403;
  readonly reason = 'Forbidden';
}

interface StatusBody {
  kind?: string;
  message?: string;
  reason?: string;
  code?: number;
}

export function apiErrorFromResponse(method: string, url: string, code: number, body: string): MigrateError {
  let status: StatusBody = {};
  try {
    status = JSON.parse(body) as StatusBody;
  } catch {
    // Not a Status object (a proxy or load balancer answered); the code alone must do.
  }
  const reason = status.reason ?? reasonForCode(code);
  const message = status.message ?? (body.trim().split('\n')[0]?.slice(0, 200) || `HTTP ${code}`);
  const details = `${method} ${url} -> ${code}\n${body}`;
  if (code === 403) {
    return new KubeForbiddenError(`forbidden: ${message}`, details);
  }
  if (code === 401) {
    return new KubeApiError(
      code,
      'Unauthorized',
      'the API server rejected the credentials (401 Unauthorized): refresh them (for EKS: `aws sso login` or check `aws eks get-token`) and retry',
      details,
    );
  }
  return new KubeApiError(code, reason, `${reason.toLowerCase() === 'unknown' ? `HTTP ${code}` : reason}: ${message}`, details, message);
}

/** A connection that broke under a request: the server may well be fine, so the request can be sent again. */
export class ConnectionResetError extends ClusterError {}

export function transportError(server: string, error: NodeJS.ErrnoException): ClusterError {
  const code = error.code ?? '';
  if (code === 'ECONNRESET' || code === 'EPIPE') {
    return new ConnectionResetError(`the connection to ${server} was reset (${code}) repeatedly: check the network or the API server's health`, error.stack);
  }
  if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code)) {
    return new ClusterError(`cannot reach the API server at ${server} (${code}): check the context and your network`, error.stack);
  }
  if (code.startsWith('ERR_TLS') || code.includes('CERT') || code === 'DEPTH_ZERO_SELF_SIGNED_CERT') {
    return new ClusterError(`TLS handshake with ${server} failed (${code}): check certificate-authority in the kubeconfig`, error.stack);
  }
  return new ClusterError(`request to ${server} failed: ${error.message}`, error.stack);
}

export function credentialError(error: Error): ClusterError {
  const message = error.message.split('\n')[0] ?? error.message;
  return new ClusterError(`cannot get credentials from the kubeconfig: ${message}`, error.stack);
}

function reasonForCode(code: number): string {
  switch (code) {
    case 400: return 'BadRequest';
    case 404: return 'NotFound';
    case 405: return 'MethodNotAllowed';
    case 409: return 'Conflict';
    case 410: return 'Expired';
    case 415: return 'UnsupportedMediaType';
    case 422: return 'Invalid';
    case 429: return 'TooManyRequests';
    case 500: return 'InternalError';
    case 503: return 'ServiceUnavailable';
    case 504: return 'Timeout';
    default: return 'Unknown';
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 409 && error.reason !== 'AlreadyExists';
}

export function isAlreadyExists(error: unknown): boolean {
  return error instanceof KubeApiError && error.code === 409 && error.reason === 'AlreadyExists';
}
