import { connect, createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { ephemeralRange, freePort, listenRange } from './free-port.ts';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
});

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer((socket) => socket.on('error', () => {}));
    servers.push(server);
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Draws that walk `ports` in order, as Math.random would land on them. */
function drawing(ports: number[]): () => number {
  const { low, high } = listenRange();
  let i = 0;
  return () => (ports[i++ % ports.length]! - low + 0.5) / (high - low + 1);
}

describe('freePort', () => {
  it('stays below the range the kernel gives outgoing connections', () => {
    expect(listenRange({ low: 32_768, high: 60_999 })).toEqual({ low: 10_000, high: 32_767 });
    expect(listenRange({ low: 49_152, high: 65_535 })).toEqual({ low: 10_000, high: 32_767 });
    expect(listenRange({ low: 20_000, high: 60_999 })).toEqual({ low: 10_000, high: 19_999 });
  });

  // Why listen(0)'s port would not do: a client connection holds its local port against any later listener.
  it.runIf(process.platform === 'linux')('a port an outgoing connection holds cannot be listened on, and freePort never draws from there', async () => {
    const server = await listen(0);
    const client = connect((server.address() as { port: number }).port, '127.0.0.1');
    await new Promise((resolve) => client.once('connect', resolve));
    const held = client.localPort!;
    await expect(listen(held)).rejects.toMatchObject({ code: 'EADDRINUSE' });
    client.destroy();
    const ephemeralLow = ephemeralRange().low;
    expect(held).toBeGreaterThanOrEqual(ephemeralLow);
    for (let i = 0; i < 20; i++) expect(await freePort()).toBeLessThan(ephemeralLow);
  });

  it('passes over a port in use and one it already gave, and returns one that can be listened on', async () => {
    const { low } = listenRange();
    const given = await freePort(drawing([low + 101]));
    expect(given).toBe(low + 101);
    const taken = await freePort(drawing([low + 102]));
    await listen(taken);
    // The draws land on the port already given, then the one in use, then a third.
    const next = await freePort(drawing([given, taken, low + 103]));
    expect(next).toBe(low + 103);
    await expect(listen(next)).resolves.toBeDefined();
  });

  it('says so when every draw is taken', async () => {
    const { low } = listenRange();
    const taken = await freePort(drawing([low + 201]));
    await expect(freePort(drawing([taken]))).rejects.toThrow(/No free port between/);
  });
});
