// koffi, loaded without its installer. The package's index.js first sets up
// cnoke, the tool that builds or downloads koffi at install time, and with it
// https, zlib and crypto: about 15 ms of every kit start, for code that never
// runs here. What index.js then loads is the native module, which *is* koffi
// (index.js adds only deprecated aliases), so the kit loads that module
// directly when the package ships one for this machine, and falls back to
// index.js otherwise (an architecture with a suffix, such as armhf, or musl).

import { createRequire } from 'node:module';

type Koffi = typeof import('koffi');

const require = createRequire(import.meta.url);

function load(): Koffi {
  if (process.platform === 'linux' && ['x64', 'arm64', 'ia32', 'loong64'].includes(process.arch)) {
    try {
      const native = require(`koffi/build/koffi/linux_${process.arch}/koffi.node`) as Koffi & { version?: string };
      const { version } = require('koffi/package.json') as { version: string };
      if (native.version === version) return native;
    } catch {
      // not this build (a musl system, say): the package's own loader knows the others
    }
  }
  return require('koffi') as Koffi;
}

const koffi: Koffi = load();
export default koffi;
