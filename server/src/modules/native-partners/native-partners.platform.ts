import { ErrorCode } from '@shared/errors';
import { NATIVE_PLATFORM_LABELS, type NativePlatform } from '@shared/native-partners';
import type { AppDeps } from '../../deps';
import { AppError } from '../../lib/errors';
import { ConnectorError, createConnector, type ConnectorOptions, type NativeConnector } from './connectors/index';

/** Test and benchmark hooks for the connectors (fetch, sleep, page size); production passes none. */
export type NativeConnectorOverrides = Partial<Pick<ConnectorOptions, 'fetch' | 'sleep' | 'maxRetries' | 'pageSize' | 'random' | 'timeoutMs'>> & {
  /** Replace the connector factory (tests that script the platform in memory). */
  create?: typeof createConnector;
};

type Deps = Pick<AppDeps, 'config'> & { nativeConnectors?: NativeConnectorOverrides };

/** A connector on the configured base URL (real host by default, a fake in tests). */
export function connectorFor(
  deps: Deps,
  platform: NativePlatform,
  token: string,
  businessId: string,
  extra: Pick<ConnectorOptions, 'onCoverageGap'> = {},
): NativeConnector {
  const { create = createConnector, ...options } = deps.nativeConnectors ?? {};
  return create(platform, { ...options, ...extra, baseUrl: deps.config.nativeApiUrls[platform], token, businessId });
}

/** A product-words reason for a connector failure, never with the token. */
export function connectorReason(err: unknown, platform: NativePlatform, whose: 'hub' | 'partner'): string {
  const p = NATIVE_PLATFORM_LABELS[platform];
  const token = whose === 'hub' ? 'the business hub token' : "the partner's token";
  if (!(err instanceof ConnectorError)) return `${p} could not be read (an unexpected error).`;
  switch (err.kind) {
    case 'token_invalid':
      return `${p} refused ${token}: it is invalid or was revoked. Replace it.`;
    case 'token_expired':
      return `${p} says ${token} has expired. Replace it.`;
    case 'not_permitted':
      return `${token[0]!.toUpperCase()}${token.slice(1)} may not read this on ${p}: give it the permissions listed in the setup steps.`;
    case 'not_found':
      return `${p} does not know this business: check the business id.`;
    case 'rate_limited':
      return `${p} is limiting requests right now; try again later.`;
    case 'network':
      return `${p} could not be reached.`;
    case 'platform_error':
      return `${p} answered with an error${err.platformCode ? ` (code ${err.platformCode})` : ''}.`;
  }
}

/** Connector failure → the caller's 4xx/502, for requests that call the platform (check on save, discovery). */
export function platformError(err: unknown, platform: NativePlatform, whose: 'hub' | 'partner'): AppError {
  const reason = connectorReason(err, platform, whose);
  if (err instanceof ConnectorError && ['token_invalid', 'token_expired', 'not_permitted', 'not_found'].includes(err.kind)) {
    return new AppError(ErrorCode.PLATFORM_CREDENTIAL_INVALID, `${reason} Nothing was saved.`, { platform, kind: err.kind });
  }
  return new AppError(ErrorCode.PLATFORM_UNAVAILABLE, `${reason} Nothing was saved.`, { platform });
}

export const isRetryable = (err: unknown): err is ConnectorError => err instanceof ConnectorError && err.retryable;

/** Associated data of sealed tokens: the vault binds each to its hub or partner row. */
export const hubPurpose = (hubId: string) => `native-hub:${hubId}`;
export const partnerPurpose = (partnerId: string) => `native-partner:${partnerId}`;
