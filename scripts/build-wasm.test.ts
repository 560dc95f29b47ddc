import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

// The engine loads its WebAssembly from score-wasm.ts, which is generated from score.wat: a change to the source
// that was not compiled would leave the engine running the old kernel while the source says otherwise.
function check(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check', ...args], { encoding: 'utf8' });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('the engine’s WebAssembly (scripts/build-wasm.mjs)', () => {
  it('is what score.wat compiles to', () => {
    const { status, output } = check();
    expect(status, output).toBe(0);
  });

  it('fails the check when score.wat changed and was not compiled again', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wasm-'));
    const changed = path.join(dir, 'score.wat');
    const source = fs.readFileSync('src/main/engine/score.wat', 'utf8');
    // QUANTA, where the key is worked out: one digit more.
    expect(source).toContain('(f64.const 10000)');
    fs.writeFileSync(changed, source.replace('(f64.const 10000)', '(f64.const 100000)'));
    const { status, output } = check('--wat', changed);
    expect(status).toBe(1);
    expect(output).toMatch(/npm run build:wasm/);
  });
});
