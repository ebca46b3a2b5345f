import winston from 'winston';
import { redact } from './redact';

const WINSTON_KEYS = new Set(['level', 'message', 'timestamp']);

const redaction = winston.format((info) => {
  for (const key of Object.keys(info)) {
    if (WINSTON_KEYS.has(key)) continue;
    info[key] = redact(info[key]);
  }
  if (typeof info.message === 'string') info.message = redact(info.message) as string;
  return info;
});

export type Logger = winston.Logger;

export const createLogger = (options: { level?: string; silent?: boolean } = {}): Logger =>
  winston.createLogger({
    level: options.level ?? 'info',
    silent: options.silent ?? false,
    format: winston.format.combine(redaction(), winston.format.timestamp(), winston.format.json()),
    transports: [new winston.transports.Console()],
  });

/** For tests and tools: a logger that writes nothing. */
export const silentLogger = (): Logger => createLogger({ silent: true });
