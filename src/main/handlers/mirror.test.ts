import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { OperatorRole } from '../../shared/domain/operator-roles';
import type { CallError } from '../../shared/envelope';
import { dispatch } from '../dispatch';
import { generateExport } from '../mirror/generator';
import { signedIn } from '../testing/operators';
import { tempDir, tempServices } from '../testing/temp';

/**
 * An import started from the console names a path anywhere on the machine. Why a path was refused tells what is
 * there, so only a lead (or an admin) is told; a reviewer, who may import, gets one answer whatever the path holds.
 */
describe('mirror.startImport refusals', () => {
  const services = tempServices();
  const files = tempDir('encounter-start-import-');
  const at = (...names: string[]): string => path.join(files, ...names);
  /** What a manifest field says is quoted in a lead's refusal: never in a reviewer's. */
  const QUOTED = 'QUOTED-FROM-DISK';

  /** Paths that are not importable exports, each refused for a different reason. */
  const refusedPaths = (): Record<string, string> => ({
    missing: at('nothing-here'),
    file: at('export', 'users.jsonl'),
    'no manifest': at('empty'),
    'bad manifest': at('bad-manifest'),
    'FIFO for users.jsonl': at('export-fifo'),
  });

  beforeAll(async () => {
    await generateExport({ users: 30, days: 3, seed: 5, out: at('export') });
    fs.mkdirSync(at('empty'));
    fs.mkdirSync(at('bad-manifest'));
    fs.writeFileSync(at('bad-manifest', 'manifest.json'), JSON.stringify({ format: QUOTED }));
    fs.cpSync(at('export'), at('export-fifo'), { recursive: true });
    fs.rmSync(at('export-fifo', 'users.jsonl'));
    execFileSync('mkfifo', [at('export-fifo', 'users.jsonl')]);
  });

  async function refusals(role: OperatorRole): Promise<Record<string, CallError>> {
    const caller = await signedIn(services, role);
    const answers: Record<string, CallError> = {};
    for (const [what, dir] of Object.entries(refusedPaths())) {
      const reply = await dispatch('mirror.startImport', { dir }, caller);
      if (reply.ok) throw new Error(`${what}: started an import`);
      answers[what] = reply.error;
    }
    return answers;
  }

  it('answers a reviewer one way whatever the path holds, naming only the path they gave', async () => {
    const answers = await refusals('reviewer');
    const shapes = new Set(
      Object.entries(answers).map(([what, error]) =>
        JSON.stringify(error).replaceAll(refusedPaths()[what]!, '<the path given>'),
      ),
    );
    expect([...shapes]).toHaveLength(1);
    expect(answers.missing).toMatchObject({
      code: 'BAD_EXPORT',
      details: { say: { id: 'importRefused', params: { path: refusedPaths().missing } } },
    });
    expect(JSON.stringify(answers)).not.toContain(QUOTED);
    expect(services.jobs.list()).toEqual([]);
  });

  it('tells a lead why each path was refused', async () => {
    const answers = await refusals('lead');
    for (const error of Object.values(answers)) expect(error.code).toBe('BAD_EXPORT');
    const reasons = new Set(
      Object.entries(answers).map(([what, error]) =>
        error.message.replaceAll(refusedPaths()[what]!, '<the path given>'),
      ),
    );
    expect(reasons.size).toBeGreaterThan(1);
    expect(answers['bad manifest']!.message).toContain(QUOTED);
    expect(answers['FIFO for users.jsonl']!.message).toContain(at('export-fifo', 'users.jsonl'));
  });

  it('still lets a reviewer import an export', async () => {
    const reply = await dispatch('mirror.startImport', { dir: at('export') }, await signedIn(services, 'reviewer'));
    expect(reply.ok).toBe(true);
    const { jobId } = (reply.ok ? reply.value : null) as { jobId: string };
    await expect
      .poll(() => services.jobs.list().find((j) => j.jobId === jobId)?.state, { timeout: 30_000 })
      .toBe('completed');
  });
});
