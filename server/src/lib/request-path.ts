import type { FastifyRequest } from 'fastify';

/**
 * The path a request is really for: the matched route's pattern, or (when no route matched) the
 * percent-DECODED path. Never decide on the raw `request.url`: the router decodes before matching,
 * so `/%61pi/v1/…` reaches `/api/v1/…` routes while the raw string does not start with `/api`.
 */
export function requestPath(request: FastifyRequest): string {
  const pattern = request.routeOptions.url;
  if (pattern && pattern !== '/*') return pattern;
  const raw = request.url.split('?')[0] ?? '/';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
