/**
 * The Node HTTP server a gateway listens with. Requests that Node's parser
 * refuses before Express sees them (headers over the 16 KiB Node allows, a
 * request line that is not HTTP) get the API's error shape too, not Node's
 * bare status line.
 */
import { createServer, STATUS_CODES, type RequestListener, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ErrorBody } from './error-handler';

export function createHttpServer(app: RequestListener): Server {
  const server = createServer(app);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (err.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const [status, body] = refusalOf(err.code);
    const text = JSON.stringify(body);
    socket.end(
      [
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}`,
        'Content-Type: application/json; charset=utf-8',
        `Content-Length: ${Buffer.byteLength(text)}`,
        'Cache-Control: no-store',
        'X-Content-Type-Options: nosniff',
        'Connection: close',
        '',
        text,
      ].join('\r\n'),
    );
  });
  return server;
}

function refusalOf(code: string | undefined): [number, ErrorBody] {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return [431, { error: { code: 'HEADERS_TOO_LARGE', message: 'headers: are larger than this gateway accepts (16 KiB in all)', field: 'headers' } }];
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return [408, { error: { code: 'REQUEST_TIMEOUT', message: 'the request did not arrive in time' } }];
    default:
      return [400, { error: { code: 'BAD_REQUEST', message: `the request is not valid HTTP/1.1${code?.startsWith('HPE_') ? ` (${code.slice(4).toLowerCase().replaceAll('_', ' ')})` : ''}` } }];
  }
}
