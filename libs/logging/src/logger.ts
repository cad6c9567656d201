import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Paths pino blanks out wherever they appear in a log object. */
const REDACT = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.secretKey',
  '*.token',
  'secretKey',
  'token',
];

/** JSON lines for machines; `pretty` (pino-pretty, in a worker thread) for a person at a terminal. */
export function createLogger(options: { logLevel: string; logFormat: 'json' | 'pretty' }): Logger {
  return pino({
    level: options.logLevel,
    base: { service: 'parley' },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    ...(options.logFormat === 'pretty'
      ? {
          transport: {
            target: 'pino-pretty',
            options: { translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' },
          },
        }
      : {}),
  });
}

/**
 * Routes Nest's log lines into pino. Code logs through Nest's `Logger` as it would through pino,
 * `logger.warn({ err, queue }, 'job failed')`; Nest passes that on as `(object, text, context)`, so
 * the object's fields become the line's fields and the text its message.
 */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.logger.info(...entry(message, params));
  }
  error(message: unknown, ...params: unknown[]): void {
    // Nest's own errors come as (message, stack, context).
    const [fields, text] = entry(message, params);
    this.logger.error(fields, text);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.logger.warn(...entry(message, params));
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.logger.debug(...entry(message, params));
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.logger.trace(...entry(message, params));
  }
}

/** `(message, ...params, context)` as Nest passes it → pino's `(fields, text)`. */
export function entry(message: unknown, params: unknown[]): [Record<string, unknown>, string] {
  const rest = [...params];
  const context = typeof rest.at(-1) === 'string' && rest.length > 0 ? (rest.pop() as string) : undefined;
  if (message instanceof Error) return [{ context, err: message }, message.message];
  if (message && typeof message === 'object') {
    const text = typeof rest[0] === 'string' ? (rest.shift() as string) : '';
    return [{ context, ...(message as Record<string, unknown>) }, text];
  }
  const fields: Record<string, unknown> = { context };
  if (typeof rest[0] === 'string') fields.trace = rest[0];
  return [fields, String(message)];
}
