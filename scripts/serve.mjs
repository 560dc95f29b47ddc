// `npm run serve [-- --port N --db FILE --json]`: the console over HTTP on 127.0.0.1 with a per-launch token.
import path from 'node:path';
import { buildIfStale, ensureDependencies, root, run } from './setup.mjs';

ensureDependencies();
buildIfStale();
process.exitCode = run(process.execPath, [
  '--import',
  'tsx',
  path.join(root, 'src', 'main', 'serve.ts'),
  ...process.argv.slice(2),
]);
