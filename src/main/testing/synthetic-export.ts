import fs from 'node:fs';
import path from 'node:path';
import { platformIsoTime, platformIsoTimeOf } from '../../shared/domain/platform-time';

/**
 * A plain, valid export of any size for the importer's own tests (the crash test's large import). Deterministic; no
 * behaviour worth modelling, just well-formed rows.
 */
export interface SyntheticExportOptions {
  users: number;
  merchants: number;
  transactions: number;
  transactionsFormat?: 'jsonl' | 'csv';
  exportId?: string;
  /** exported_at (default 2026-11-24 03:00 platform time): exports apply in this order. */
  exportedAt?: string;
  /** Adds this many fen to every amount: a second export that updates every transaction. */
  amountShift?: number;
}

function writeLines(file: string, count: number, line: (i: number) => string, header = ''): void {
  const fd = fs.openSync(file, 'w');
  try {
    let batch = header;
    for (let i = 0; i < count; i++) {
      batch += line(i);
      batch += '\n';
      if (batch.length > 1 << 20) {
        fs.writeSync(fd, batch);
        batch = '';
      }
    }
    if (batch) fs.writeSync(fd, batch);
  } finally {
    fs.closeSync(fd);
  }
}

export function writeSyntheticExport(dir: string, o: SyntheticExportOptions): void {
  fs.mkdirSync(dir, { recursive: true });
  const txFile = `transactions.${o.transactionsFormat ?? 'jsonl'}`;
  const shift = o.amountShift ?? 0;
  fs.writeFileSync(
    path.join(dir, 'manifest.json'),
    JSON.stringify({
      format: 1,
      export_id: o.exportId ?? 'synthetic-1',
      exported_at: o.exportedAt ?? platformIsoTime('2026-11-24', '03:00:00'),
      kind: 'snapshot',
      files: { 'users.jsonl': o.users, 'merchants.jsonl': o.merchants, [txFile]: o.transactions },
    }),
  );
  writeLines(path.join(dir, 'users.jsonl'), o.users, (i) =>
    JSON.stringify({
      id: `u${i}`,
      nickname: `user ${i}`,
      real_name: i % 3 ? `Name ${i}` : null,
      phone: null,
      id_verified: i % 2 === 0,
      gender: i % 2 ? 'F' : 'M',
      seeking: ['F', 'M', 'any'][i % 3],
      birth_year: 1970 + (i % 40),
      city: 'Shanghai',
      district: i % 5 ? `D${i % 16}` : null,
      registered_at: platformIsoTimeOf(1_700_000_000 + i * 37),
      status: 'active',
    }),
  );
  writeLines(path.join(dir, 'merchants.jsonl'), o.merchants, (i) =>
    JSON.stringify({
      id: `m${i}`,
      name: `Merchant ${i}`,
      brand: i % 4 ? `B${i % 50}` : null,
      category: ['convenience', 'coffee', 'restaurant', 'gym'][i % 4],
      channel: i % 10 ? 'offline' : 'online',
      city: 'Shanghai',
      district: `D${i % 16}`,
      lat: i % 10 ? 31 + (i % 100) / 1000 : null,
      lon: i % 10 ? 121 + (i % 97) / 1000 : null,
      price_level: 1 + (i % 4),
    }),
  );
  const base = 1_790_000_000;
  const tx = (i: number): [string, string, string, number, string] => [
    `t${i}`,
    `u${(i * 7919) % o.users}`,
    `m${(i * 104729) % o.merchants}`,
    100 + ((i * 31) % 20000) + shift,
    platformIsoTimeOf(base + ((i * 613) % 7_776_000)),
  ];
  if (o.transactionsFormat === 'csv') {
    writeLines(
      path.join(dir, txFile),
      o.transactions,
      (i) => tx(i).join(','),
      'id,user_id,merchant_id,amount_fen,paid_at\n',
    );
  } else {
    writeLines(path.join(dir, txFile), o.transactions, (i) => {
      const [id, user_id, merchant_id, amount_fen, paid_at] = tx(i);
      return JSON.stringify({ id, user_id, merchant_id, amount_fen, paid_at });
    });
  }
}
