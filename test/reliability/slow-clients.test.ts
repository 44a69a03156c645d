import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { call } from '../helpers/server.js';
import { eachStore } from '../helpers/stores.js';

eachStore('slow and malformed clients', (ctx) => {
  function connect(url: string): Promise<net.Socket> {
    const { hostname, port } = new URL(url);
    return new Promise((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => resolve(socket));
      socket.once('error', reject);
    });
  }

  /** Writes raw bytes and collects everything until the server closes the connection. */
  async function rawExchange(url: string, bytes: string): Promise<string> {
    const socket = await connect(url);
    let out = '';
    socket.on('data', (d) => (out += d));
    socket.write(bytes);
    await new Promise((resolve) => socket.on('close', resolve));
    return out;
  }

  describe('slow and malformed clients', () => {
    it('keeps answering quickly while 300 slowloris connections trickle headers', async () => {
      const port = new URL(ctx.server.url).port;
      const slow = await Promise.all(Array.from({ length: 300 }, () => connect(ctx.server.url)));
      for (const socket of slow) {
        socket.on('error', () => undefined);
        socket.write(`GET /api/v1/activity_log HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
      }
      const trickle = setInterval(() => {
        for (const socket of slow) if (!socket.destroyed) socket.write('X-Slow: 1\r\n');
      }, 200);
      try {
        const latencies: number[] = [];
        for (let i = 0; i < 50; i++) {
          const start = performance.now();
          const answer = await call(`${ctx.server.api}/count`);
          latencies.push(performance.now() - start);
          assert.equal(answer.status, 200);
        }
        latencies.sort((a, b) => a - b);
        const median = latencies[25] as number;
        assert.ok(median < 250, `median latency ${median.toFixed(1)} ms under slowloris`);
      } finally {
        clearInterval(trickle);
        for (const socket of slow) socket.destroy();
      }
    });

    it('answers malformed HTTP with the envelope and closes the connection', async () => {
      const answer = await rawExchange(ctx.server.url, 'GARBAGE\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 400 /);
      assert.match(answer, /\{"code":40001,"message":"malformed HTTP request","data":null\}$/);
    });

    it('answers oversized headers with 431 and the envelope', async () => {
      const answer = await rawExchange(
        ctx.server.url,
        `GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`,
      );
      assert.match(answer, /^HTTP\/1\.1 431 /);
      assert.match(answer, /"code":40001,"message":"request headers are too large"/);
    });
  });
});
