import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorEnvelope } from '../errors/api-error';
import { SECURITY_HEADERS } from './response-headers';

interface ParserError extends Error {
  code?: string;
}

const answerFor = (error: ParserError): { status: number; reason: string; code: string; message: string } => {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return {
        status: 431,
        reason: 'Request Header Fields Too Large',
        code: 'headers_too_large',
        message: 'the request headers are too large',
      };
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return {
        status: 408,
        reason: 'Request Timeout',
        code: 'request_timeout',
        message: 'the request took too long',
      };
    default:
      return {
        status: 400,
        reason: 'Bad Request',
        code: 'malformed_request',
        message: 'the request is not well-formed HTTP',
      };
  }
};

/**
 * Requests Node's HTTP parser refuses never reach express, and Node answers them bare. Here they get the
 * error envelope when the socket can still take an answer; the parser's own message (which quotes the
 * offending bytes) is never echoed.
 */
export const answerClientErrors = (server: Server): void => {
  server.on('clientError', (error: ParserError, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const { status, reason, code, message } = answerFor(error);
    const requestId = `req_${randomUUID()}`;
    const envelope: ErrorEnvelope = {
      error: { type: 'invalid_request_error', code, message, requestId },
    };
    const body = JSON.stringify(envelope);
    const headers = {
      'Content-Type': 'application/json; charset=utf-8',
      'Content-Length': String(Buffer.byteLength(body)),
      'X-Request-Id': requestId,
      ...SECURITY_HEADERS,
      Connection: 'close',
    };
    const head = Object.entries(headers)
      .map(([name, value]) => `${name}: ${value}`)
      .join('\r\n');
    socket.end(`HTTP/1.1 ${status} ${reason}\r\n${head}\r\n\r\n${body}`);
  });
};
