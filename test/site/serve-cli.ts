// Runs serve.ts's static server as its own process, so that the site test can
// start it inside a network namespace of its own (see site.test.ts):
//   node --import tsx test/site/serve-cli.ts DIR   -> prints "listening <url>"
// It stops when its stdin closes or on SIGTERM.

import { serveStatic } from './serve.ts';

const dir = process.argv[2];
if (!dir) {
  process.stderr.write('usage: serve-cli.ts DIR\n');
  process.exit(2);
}
const server = await serveStatic(dir);
process.stdout.write(`listening ${server.url}\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.on('SIGTERM', stop);
process.stdin.on('end', stop);
process.stdin.resume();
