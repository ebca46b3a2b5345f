import { Writable } from 'node:stream';
import winston from 'winston';
import { createLogger, type Logger } from '../../src/infrastructure/logging/logger';

/** The gateway's own logger (its formats, redaction included), writing every line, debug up, into `lines`. */
export const recordingLogger = (): { logger: Logger; lines: string[] } => {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug' });
  logger.clear();
  logger.add(
    new winston.transports.Stream({
      stream: new Writable({
        write(chunk: Buffer, _encoding, done) {
          lines.push(chunk.toString('utf8'));
          done();
        },
      }),
    }),
  );
  return { logger, lines };
};
