import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { ErrorCode, type ErrorBody } from '@shared/errors';
import { AppError, statusForCode } from '../lib/errors';
import { isInvalidTextInput } from '../lib/tx';

/**
 * One error body for every failure: { error: { code, message, details?, requestId } }.
 * Bad input is a 4xx with a stable code; only real server faults are 500, and they never
 * carry a stack trace or internal message to the client.
 */
export function registerErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError | AppError | Error, request, reply) => {
    const send = (code: ErrorCode, message: string, details?: unknown, status = statusForCode(code)) => {
      const body: ErrorBody = { error: { code, message, requestId: request.id } };
      if (details !== undefined) body.error.details = details;
      return reply.status(status).type('application/json').send(body);
    };

    if (err instanceof AppError) {
      if (err.headers) reply.headers(err.headers);
      if (err.statusCode === 403 || err.statusCode === 401) {
        // ASVS 16.3.2: failed authorization is logged (without secrets).
        request.log.info({ code: err.code, route: request.routeOptions.url }, 'request refused');
      }
      return send(err.code, err.message, err.details, err.statusCode);
    }

    if (hasZodFastifySchemaValidationErrors(err)) {
      const issues = err.validation.map((v) => ({
        in: err.validationContext ?? 'body',
        path: (v.instancePath || '').replace(/^\//, '').replace(/\//g, '.'),
        message: v.message ?? 'Invalid value',
      }));
      const first = issues[0];
      const where = first?.path ? `${first.in}.${first.path}` : (first?.in ?? 'request');
      return send(ErrorCode.VALIDATION_FAILED, `Invalid ${where}: ${first?.message ?? 'check the request'}.`, { issues });
    }

    if (isResponseSerializationError(err)) {
      request.log.error({ err: { message: err.message, issues: err.cause?.issues } }, 'response did not match its schema');
      return send(ErrorCode.INTERNAL, 'Something went wrong on our side. Try again, or quote the request id to support.');
    }

    const fe = err as FastifyError;
    switch (fe.code) {
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return send(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
        return send(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the request body as application/json.');
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_JSON_BODY':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
        return send(ErrorCode.MALFORMED_REQUEST, 'The request body is not valid JSON.');
      case 'FST_ERR_VALIDATION':
        return send(ErrorCode.VALIDATION_FAILED, fe.message);
      case 'FST_ERR_RATE_LIMIT_EXCEEDED':
        return send(ErrorCode.RATE_LIMITED, 'Too many requests. Slow down and try again shortly.');
    }
    if (err instanceof SyntaxError || (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500)) {
      if (fe.statusCode === 429) return send(ErrorCode.RATE_LIMITED, 'Too many requests. Slow down and try again shortly.');
      if (fe.statusCode === 413) return send(ErrorCode.PAYLOAD_TOO_LARGE, 'The request body is too large.');
      if (fe.statusCode === 415) return send(ErrorCode.UNSUPPORTED_MEDIA_TYPE, 'Send the request body as application/json.');
      return send(ErrorCode.MALFORMED_REQUEST, 'The request could not be read.', undefined, 400);
    }

    if (isInvalidTextInput(err)) {
      return send(ErrorCode.VALIDATION_FAILED, 'The request contains text with a character that cannot be stored (such as a NUL character).');
    }

    request.log.error({ err }, 'unhandled error');
    return send(ErrorCode.INTERNAL, 'Something went wrong on our side. Try again, or quote the request id to support.');
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = {
      error: { code: ErrorCode.ROUTE_NOT_FOUND, message: `No route ${request.method} ${request.url.split('?')[0]}.`, requestId: request.id },
    };
    // The type is set here: a route may have set another before falling through (e.g. a file
    // that vanished mid-send), and an object body with a non-JSON type would be a 500.
    return reply.status(404).type('application/json').send(body);
  });
}
