import fs from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { listAudit } from '../../audit/audit-log';
import { openDatabase } from '../../db/database';
import { signIn } from '../../operators/sign-in';
import { SessionStore } from '../../operators/sessions';
import { tempDir } from '../../testing/temp';
import { main } from '../main';
import { operatorCommand } from './operator';

let out: string[];
beforeEach(() => {
  out = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
});
afterEach(() => vi.restoreAllMocks());

const dir = tempDir();
const db = path.join(dir, 'mirror.db');
const last = (): Record<string, unknown> =>
  JSON.parse(out.join('').trim().split('\n').at(-1)!) as Record<string, unknown>;
const run = (...args: string[]) => main(['operator', ...args, '--db', db, '--json'], [operatorCommand]);
/** `printf '%s\n' PASSWORD | npm run cli -- operator … --password-stdin` */
function pipe(text: string): void {
  vi.spyOn(process, 'stdin', 'get').mockReturnValue(Readable.from([Buffer.from(text)]) as typeof process.stdin);
}

describe('cli operator', () => {
  it('makes the first admin of an empty mirror without --operator, and nothing else', async () => {
    expect(await run('list')).toBe(2);
    expect(await run('add', '张伟', '--role', 'lead')).toBe(2);
    expect(last()).toMatchObject({
      ok: false,
      error: { code: 'USAGE', message: expect.stringContaining('--role admin') },
    });
    pipe('first admin password\n');
    expect(await run('add', '张伟', '--role', 'admin', '--password-stdin')).toBe(0);
    expect(last()).toMatchObject({
      ok: true,
      account: { name: '张伟', role: 'admin', mustChangePassword: false },
      oneTimePassword: null,
    });
    // From now on every action names an admin of this mirror.
    expect(await run('list')).toBe(1);
    expect(last()).toMatchObject({ ok: false, error: { code: 'NOT_SIGNED_IN' } });
  });

  it('adds, lists, changes roles, disables and resets under the same rules as the Operators page, audited', async () => {
    expect(await run('add', '李娜', '--role', 'reviewer', '--operator', '张伟')).toBe(0);
    const added = last();
    expect(added).toMatchObject({ account: { name: '李娜', role: 'reviewer', mustChangePassword: true } });
    const otp = added.oneTimePassword as string;
    // The one-time password signs in once, and is nowhere in the mirror or its audit.
    const mirror = openDatabase(db);
    const sessions = new SessionStore(mirror);
    expect((await signIn(mirror, sessions, '李娜', otp, 'test')).session.mustChangePassword).toBe(true);
    for (const file of [db, `${db}-wal`].filter((f) => fs.existsSync(f)))
      expect(fs.readFileSync(file).includes(Buffer.from(otp))).toBe(false);
    expect(JSON.stringify(listAudit(mirror, 100))).not.toContain(otp);

    expect(await run('role', '李娜', 'lead', '--operator', '张伟')).toBe(0);
    expect(last()).toMatchObject({ account: { role: 'lead' } });
    // A lead may not manage operators: FORBIDDEN, naming the role it needs, exit 1.
    expect(await run('disable', '张伟', '--operator', '李娜')).toBe(1);
    expect(last()).toMatchObject({ ok: false, error: { code: 'FORBIDDEN', needs: 'admin' } });
    // Nobody changes their own role; the last enabled admin stays.
    expect(await run('role', '张伟', 'lead', '--operator', '张伟')).toBe(1);
    expect(last()).toMatchObject({ error: { code: 'FORBIDDEN' } });
    expect(await run('role', '李娜', 'admin', '--operator', '张伟')).toBe(0);
    expect(await run('role', '张伟', 'reviewer', '--operator', '李娜')).toBe(0);
    expect(await run('disable', '李娜', '--operator', '李娜')).toBe(1);
    expect(await run('disable', '张伟', '--operator', '李娜')).toBe(0);
    expect(await run('list', '--operator', '李娜')).toBe(0);
    expect((last().operators as { name: string; enabled: boolean }[]).map((o) => `${o.name} ${o.enabled}`)).toEqual([
      '李娜 true',
      '张伟 false',
    ]);
    // A disabled account acts as nobody.
    expect(await run('list', '--operator', '张伟')).toBe(1);
    expect(last()).toMatchObject({ error: { code: 'NOT_SIGNED_IN' } });

    pipe('short\n');
    expect(await run('reset', '张伟', '--password-stdin', '--operator', '李娜')).toBe(2);
    expect(await run('reset', '张伟', '--operator', '李娜')).toBe(0);
    expect(last()).toMatchObject({
      account: { name: '张伟', mustChangePassword: true },
      oneTimePassword: expect.any(String),
    });
    const actions = listAudit(mirror, 100)
      .filter((a) => a.action.startsWith('operator.'))
      .map((a) => `${a.operator} ${a.action} ${a.subject}`)
      .reverse();
    expect(actions).toEqual([
      expect.stringMatching(/^cli:\S+ operator\.add 张伟$/),
      '张伟 operator.add 李娜',
      '张伟 operator.setRole 李娜',
      '张伟 operator.setRole 李娜',
      '李娜 operator.setRole 张伟',
      '李娜 operator.setEnabled 张伟',
      '李娜 operator.resetPassword 张伟',
    ]);
    mirror.close();
  });
});
