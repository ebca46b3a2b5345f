import { Writable } from 'node:stream';
import winston from 'winston';
import type { Logger } from '../../src/infrastructure/logging/logger';

/**
 * A logger that keeps every line as JSON text, unredacted and with errors in full, so a test can scan
 * what the code itself wrote (for one, that no secret or token ever reaches a log).
 */
export const capturingLogger = (): { logger: Logger; lines: string[] } => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const errorsInFull = winston.format((info) => {
    for (const [key, value] of Object.entries(info)) {
      if (value instanceof Error) info[key] = { message: value.message, stack: value.stack };
    }
    return info;
  });
  const logger = winston.createLogger({
    level: 'debug',
    format: winston.format.combine(errorsInFull(), winston.format.json()),
    transports: [new winston.transports.Stream({ stream })],
  });
  return { logger, lines };
};
