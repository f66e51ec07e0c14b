// TCP echo, both ways across the pair, for the step-3 check and tests. Only
// ever pointed at the addresses of the run's own subnet.

import net from 'node:net';

/** An echo server on the host, bound to exactly one address (the host end's). */
export async function echoServerOnHost(address: string, port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((c) => {
    c.on('error', () => undefined);
    c.pipe(c);
  });
  await new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, address, resolve));
  const bound = (server.address() as net.AddressInfo).port;
  return { port: bound, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Send `token`, return what comes back; retries while the server is not
 * listening yet. Connecting may take at most a second; once connected, the
 * answer may take the rest of `timeoutMs`: a one-shot server (busybox
 * `nc -l -e cat`) stops listening when it accepts, and on a busy machine
 * starting its `cat` can take a while.
 */
export async function tcpEcho(address: string, port: number, token: string, timeoutMs = 3000): Promise<string> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<string>((resolve, reject) => {
        const s = net.connect({ host: address, port, timeout: Math.min(1000, timeoutMs) });
        let got = '';
        s.on('connect', () => {
          s.setTimeout(Math.max(1000, end - Date.now()));
          s.write(token);
        });
        s.on('data', (d) => {
          got += d;
          if (got.length >= token.length) s.end();
        });
        s.on('close', () => resolve(got));
        s.on('timeout', () => s.destroy(Object.assign(new Error(`no answer from ${address}:${port}`), { code: 'ETIMEDOUT' })));
        s.on('error', reject);
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (Date.now() > end || !['ECONNREFUSED', 'ECONNRESET'].includes(code ?? '')) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
