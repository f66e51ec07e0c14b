#!/usr/bin/env node
// The kit's entry for every command (`npm run step 1` is `node bin/kit.mjs step 1`):
// the compiled kit (.build/, made by bin/build-kit.mjs at `npm install`), run
// by plain node. When kit/ was edited since the build (a maintainer's work), it
// is compiled again first; checking that costs one stat per kit file (a few ms).
import { buildKit, isFresh, BUILD_DIR } from './build-kit.mjs';

if (!isFresh()) {
  try {
    await buildKit();
  } catch (err) {
    process.stderr.write(
      `cw error kit/ changed since it was compiled, and compiling it again failed: ${err instanceof Error ? err.message : String(err)}\n` +
        '  what to do: run `npm run build:kit` as the owner of this folder (or `npm install`), then try again.\n',
    );
    process.exit(1);
  }
}
await import(`../${BUILD_DIR}/kit/tools/cli/main.js`);
