// Turns AWS SDK failures into one-line typed errors that say what to do, as the AWS CLI users know them; the SDK's
// own words stay in details (-v). Every one of them stops the objects concerned and nothing else: exit 5.

import { ExitCode, MigrateError } from '../errors.ts';

/** AWS could not be read for an object: credentials, rights, account or region. Nothing is done for it. */
export class AwsAccessError extends MigrateError {
  readonly exitCode = ExitCode.refused;
}

interface SdkFailure {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

const EXPIRED = new Set(['ExpiredToken', 'ExpiredTokenException', 'RequestExpired', 'TokenRefreshRequired', 'InvalidGrantException', 'UnauthorizedException']);
const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'UnrecognizedClientException', 'InvalidClientTokenId', 'SignatureDoesNotMatch']);
const UNREACHABLE = new Set(['ENOTFOUND', 'EAI_AGAIN', 'ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ECONNRESET']);

/** Where the failure happened, for the message: the call, the region and the profile the credentials came from. */
export interface AwsCallContext {
  action: string;
  region: string;
  profile: string | undefined;
}

function profileHint(profile: string | undefined): string {
  return profile ? ` --profile ${profile}` : '';
}

export function awsErrorFrom(error: unknown, context: AwsCallContext): AwsAccessError {
  const failure = (error ?? {}) as SdkFailure;
  const name = failure.name ?? failure.Code ?? '';
  const code = failure.code ?? '';
  const firstLine = (failure.message ?? String(error)).split('\n')[0] ?? '';
  const details = error instanceof Error ? error.stack : String(error);
  const who = context.profile ? `profile ${context.profile}` : 'the default credential chain';
  if (name === 'CredentialsProviderError' || /could not load credentials|credential.*not found|unable to find.*credentials/i.test(firstLine)) {
    return new AwsAccessError(
      `no AWS credentials from ${who} (${firstLine}): configure them as for the AWS CLI (aws configure, aws sso login${profileHint(context.profile)}, AWS_PROFILE) or pass --aws-profile`,
      details,
    );
  }
  if (EXPIRED.has(name) || /expired|token.*refresh/i.test(firstLine)) {
    return new AwsAccessError(`the AWS credentials of ${who} have expired (${name || firstLine}): refresh them (aws sso login${profileHint(context.profile)}) and run again`, details);
  }
  if (DENIED.has(name) || failure.$metadata?.httpStatusCode === 403) {
    return new AwsAccessError(
      `AWS denied ${context.action} in ${context.region} to ${who} (${name || 'HTTP 403'}): grant it read access (${context.action}) or use a profile that has it`,
      details,
    );
  }
  if (UNREACHABLE.has(code) || UNREACHABLE.has(name)) {
    return new AwsAccessError(`cannot reach AWS for ${context.action} in region ${context.region} (${code || name}): check the region and the network (AWS_ENDPOINT_URL if you use one)`, details);
  }
  if (name === 'InvalidRegion' || /region/i.test(firstLine) && /invalid|unknown|not.*valid/i.test(firstLine)) {
    return new AwsAccessError(`region ${context.region} is not one AWS knows for ${context.action} (${firstLine}): check the object's region`, details);
  }
  return new AwsAccessError(`AWS ${context.action} in ${context.region} failed: ${name ? `${name}: ` : ''}${firstLine}`, details);
}
