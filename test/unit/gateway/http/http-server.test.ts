/**
 * What Node's HTTP parser refuses before Express sees it still gets the API's
 * error shape: headers over 16 KiB (431), a request line that is not HTTP (400).
 */
import { strict as assert } from 'node:assert';
import { request as httpRequest, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { createHttpServer } from 'customs-ledger-gateway/dist/http';
import { startGateways, type TestGateways } from '../../../support/gateways';

describe('gateway HTTP server: requests Node refuses before the API', () => {
  let gws: TestGateways;
  let server: Server;
  let port: number;

  before(async () => {
    gws = await startGateways();
    server = createHttpServer(gws.NL.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(async () => {
    await new Promise((resolve) => server.close(resolve));
    await gws.close();
  });

  const raw = (text: string): Promise<string> =>
    new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.write(text));
      let answer = '';
      socket.on('data', (chunk) => (answer += chunk.toString('utf8')));
      socket.on('end', () => resolve(answer));
      socket.on('error', reject);
    });

  it('answers a 100 KB header with 431 and a coded JSON error', async () => {
    const { status, type, body } = await new Promise<{ status: number; type: string; body: string }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, path: '/api/v1/agreements', headers: { 'X-Padding': 'p'.repeat(100 * 1024) } }, (res) => {
        let text = '';
        res.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body: text }));
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(status, 431);
    assert.match(type, /^application\/json/);
    const error = (JSON.parse(body) as { error: { code: string; message: string; field: string } }).error;
    assert.equal(error.code, 'HEADERS_TOO_LARGE');
    assert.equal(error.field, 'headers');
    assert.match(error.message, /^headers: /);
  });

  it('answers a request line that is not HTTP with 400 and a coded JSON error', async () => {
    const answer = await raw('GET /api/v1/agreements HTTP/9\r\n\r\n');
    assert.match(answer, /^HTTP\/1\.1 400 /);
    const error = (JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4)) as { error: { code: string; message: string } }).error;
    assert.equal(error.code, 'BAD_REQUEST');
    assert.match(error.message, /not valid HTTP/);
  });

  it('still serves the API on the same server', async () => {
    const answer = await raw(`GET /api/v1/agreements HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${gws.NL.tokens.officer}\r\nConnection: close\r\n\r\n`);
    assert.match(answer, /^HTTP\/1\.1 200 /);
  });
});
