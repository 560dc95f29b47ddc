import Database from 'better-sqlite3';
import fs from 'node:fs';
import { recountMirrorRows } from '../../src/main/mirror/row-counts';
import { expect, signIn, test } from './fixtures';

test('an operator signs in, opens the Overview and reads the mirror state from main', async ({ app, server }) => {
  await signIn(app, 'lead');
  await app.getByTestId('nav-overview').click();
  const overview = app.getByTestId('page-overview');
  await expect(overview).toHaveAttribute('data-state', 'ready');
  await expect(app.getByTestId('overview-db-path')).toHaveText(server.dbPath);

  // The figures come from the real database file: write to it behind the console's back (recounting as an import
  // does: the status reads kept counts, never a scan), refresh, see them move.
  const before = Number(await app.getByTestId('table-count-users').getAttribute('data-rows'));
  const db = new Database(server.dbPath);
  db.transaction(() => {
    db.prepare(
      `INSERT INTO users (id, nickname, id_verified, gender, seeking, birth_year, city, registered_at, status)
       VALUES ('e2e-user', '测试', 1, 'F', 'M', 1995, '上海', 1700000000, 'active')`,
    ).run();
    recountMirrorRows(db);
  })();
  const schema = db.pragma('user_version', { simple: true }) as number;
  db.close();
  await app.getByTestId('overview-refresh').click();
  await expect(app.getByTestId('table-count-users')).toHaveAttribute('data-rows', String(before + 1));
  await expect(app.getByTestId('overview-schema')).toContainText(String(schema));

  fs.mkdirSync('artifacts', { recursive: true });
  await app.screenshot({ path: 'artifacts/overview.png', fullPage: true });
});

test('the interface is Chinese first and switches to English', async ({ app }) => {
  await signIn(app);
  await expect(app.getByTestId('nav-overview')).toHaveText('概览');
  await app.getByTestId('locale-switch').selectOption('en');
  await expect(app.getByTestId('nav-overview')).toHaveText('Overview');
  await app.getByTestId('locale-switch').selectOption('zh-CN');
  await expect(app.getByTestId('nav-overview')).toHaveText('概览');
});
