#!/usr/bin/env node
'use strict';
// The command line (gateway/src/cli/main.ts), compiled into dist/ by `npm ci` (the root's prepare script).
require('../dist/cli/main.js').main(process.argv);
