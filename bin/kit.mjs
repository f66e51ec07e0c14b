#!/usr/bin/env node
// The kit's entry for every command (`npm run step 1` is `node bin/kit.mjs step 1`):
// the compiled kit (.build/, made by bin/build-kit.mjs at `npm install`), run
// by plain node. When kit/ was edited since the build (a maintainer's work), it
// is compiled again first; checking that costs one stat per kit file (~2 ms).
import { buildKit, isFresh, BUILD_DIR } from './build-kit.mjs';

if (!isFresh()) await buildKit();
await import(`../${BUILD_DIR}/kit/tools/cli/main.js`);
