import type { FaultVerdict } from './retry.js';
import { isTransientNetworkError } from './retry.js';

/** S3 error codes worth another try, whatever their HTTP status. */
const TRANSIENT_CODES = new Set([
  'SlowDown',
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestTimeout',
  'RequestTimeoutException',
  'InternalError',
  'ServiceUnavailable',
  'BadDigest', // the body arrived damaged (or the local file changed while being sent)
  'XAmzContentSHA256Mismatch',
  'IncompleteBody',
]);

const CREDENTIAL_CODES = new Set([
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'InvalidClientTokenId',
]);

const CREDENTIALS_HINT =
  'check accessKeyId and secretAccessKey in the source/destination settings (or, when they are not set, the ' +
  'default AWS credential chain: AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials, the instance role)';

/** Classifies an error thrown by @aws-sdk/client-s3 (or the network under it). */
export function classifyS3Fault(error: unknown): FaultVerdict {
  const e = (error ?? {}) as {
    name?: string;
    Code?: string;
    code?: string;
    message?: string;
    $metadata?: { httpStatusCode?: number };
    $retryable?: unknown;
  };
  const code = e.Code ?? (e.name && e.name !== 'Error' ? e.name : undefined) ?? e.code ?? 'Error';
  const status = e.$metadata?.httpStatusCode;
  // SDK messages are often just "UnknownError" (no body, e.g. HEAD); the code and status say more.
  const detail = e.message && e.message !== 'UnknownError' && e.message !== code ? `: ${e.message}` : '';
  const reason = `S3 ${code}${status ? ` (HTTP ${status})` : ''}${detail}`;

  if (error instanceof Error && error.name === 'CredentialsProviderError') {
    return { transient: false, reason: `no S3 credentials found${detail}`, hint: CREDENTIALS_HINT };
  }
  if (CREDENTIAL_CODES.has(code)) return { transient: false, reason, hint: CREDENTIALS_HINT };
  if (code === 'AccessDenied' || code === 'AllAccessDisabled' || status === 403) {
    return {
      transient: false,
      reason,
      hint: 'the credentials were accepted but may not read/write this bucket and prefix; check the IAM/bucket policy',
    };
  }
  if (code === 'NoSuchBucket') {
    return { transient: false, reason, hint: 'check the bucket name, the region and the endpoint' };
  }
  if (code === 'NoSuchKey' || code === 'NotFound' || status === 404) {
    return { transient: false, reason, hint: 'the object is gone (deleted or renamed since it was listed); run again' };
  }
  if (code === 'PermanentRedirect' || code === 'AuthorizationHeaderMalformed' || status === 301) {
    return { transient: false, reason, hint: 'the bucket is in another region: set region to the bucket\'s region' };
  }
  if (code === 'RequestTimeTooSkewed') {
    return { transient: false, reason, hint: "this machine's clock is off by more than 15 minutes; fix the clock (NTP)" };
  }
  if (TRANSIENT_CODES.has(code) || status === 429 || (status !== undefined && status >= 500)) {
    return { transient: true, reason, hint: 'the S3 service is throttling or failing; try again later' };
  }
  if (isTransientNetworkError(error)) {
    return {
      transient: true,
      reason: `network error: ${code}${detail}`,
      hint: 'check that the S3 endpoint is reachable from this machine (proxy, firewall, DNS) and try again',
    };
  }
  return { transient: false, reason, hint: 'see the cause; if it persists, check the S3 settings' };
}
