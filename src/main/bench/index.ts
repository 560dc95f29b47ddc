#!/usr/bin/env node
import { main } from '../cli/main';
import { benches } from './benches';

/**
 * `npm run bench -- <import|engine|detect> [--json] …`: each bench is a CLI command that prints its figures and
 * the ratio against a baseline measured in the same run; with --json the last line is one JSON object.
 */
main(process.argv.slice(2), benches).then((code) => process.exit(code));
