// Electron security scan with @doyensec/electronegativity (offline): fails on any HIGH finding in our sources.
import fs from 'node:fs';
import path from 'node:path';
import { log, root, run } from './setup.mjs';

const report = path.join(root, '.tmp', 'electronegativity.csv');
fs.mkdirSync(path.dirname(report), { recursive: true });
fs.rmSync(report, { force: true });
const electronVersion = JSON.parse(
  fs.readFileSync(path.join(root, 'node_modules', 'electron', 'package.json'), 'utf8'),
).version;
// It tries to fetch Electron's release list first and carries on offline with the version we give it.
const status = run(
  path.join(root, 'node_modules', '.bin', 'electronegativity'),
  ['-i', 'src', '-o', report, '-e', electronVersion, '-r', '-v', 'false'],
  { stdio: ['ignore', 'ignore', 'ignore'] },
);
if (status !== 0 || !fs.existsSync(report)) {
  log(`security scan: electronegativity did not run (status ${status})`);
  process.exit(1);
}
const rows = fs.readFileSync(report, 'utf8').trim().split('\n').slice(1).filter(Boolean);
const findings = rows.map((row) => {
  const [check, severity, confidence, file, location] = row.split(',').map((c) => c.replace(/^"|"$/g, ''));
  return { check, severity, confidence, file, location };
});
for (const f of findings) log(`security scan: ${f.severity} ${f.check} ${f.file}:${f.location} (${f.confidence})`);
const high = findings.filter((f) => f.severity === 'HIGH' || f.severity === 'CRITICAL');
log(`security scan: ${findings.length} finding(s), ${high.length} high; full report in ${path.relative(root, report)}`);
process.exit(high.length > 0 ? 1 : 0);
