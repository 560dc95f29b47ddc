import crypto from 'node:crypto';

/**
 * Password hashing: scrypt from node:crypto, run on libuv's thread pool (never on main's loop). Each stored hash
 * carries its own parameters — `scrypt$N$r$p$salt$key` — so they can be raised later: a sign-in with a hash made
 * under weaker parameters re-hashes it (see sign-in.ts). Comparison is timing-safe. Passwords are NFC-normalised
 * first, so a password typed through two input methods is one password.
 */
export interface ScryptParams {
  /** CPU/memory cost, a power of two. Memory is 128 · N · r bytes. */
  N: number;
  r: number;
  p: number;
}

/**
 * N = 2^15, r = 8 (32 MiB, about 160 ms on the 2-core reference box): the sign-in budget is 300 ms with hashing
 * (issue 14). Where the box allows, raise N here; existing hashes follow at their next sign-in.
 */
export const PASSWORD_PARAMS: ScryptParams = { N: 2 ** 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;

function derive(password: string, salt: Buffer, params: ScryptParams): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(
      password.normalize('NFC'),
      salt,
      KEY_BYTES,
      { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p + (1 << 20) },
      (err, key) => (err ? reject(err) : resolve(key)),
    );
  });
}

export async function hashPassword(password: string, params: ScryptParams = PASSWORD_PARAMS): Promise<string> {
  const salt = crypto.randomBytes(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

interface ParsedHash {
  params: ScryptParams;
  salt: Buffer;
  key: Buffer;
}

function parseHash(encoded: string): ParsedHash | null {
  const parts = encoded.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return null;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0)) return null;
  return { params: { N, r, p }, salt: Buffer.from(parts[4]!, 'base64url'), key: Buffer.from(parts[5]!, 'base64url') };
}

/** True when `password` is the one `encoded` was made from. A malformed hash matches nothing. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const parsed = parseHash(encoded);
  if (!parsed) {
    // Spend the same time as a real check, so a broken row is not told apart by timing either.
    await derive(password, crypto.randomBytes(SALT_BYTES), PASSWORD_PARAMS);
    return false;
  }
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && crypto.timingSafeEqual(key, parsed.key);
}

/** True when a hash was made with weaker parameters than `params` (it is re-hashed at the next good sign-in). */
export function needsRehash(encoded: string, params: ScryptParams = PASSWORD_PARAMS): boolean {
  const parsed = parseHash(encoded);
  if (!parsed) return true;
  return parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

/**
 * A hash of nothing anyone knows, made once per process with the current parameters: a sign-in under an unknown name
 * is checked against it, so it takes as long as one under a known name. Begun when the session store is built
 * (sessions.ts), never by the first sign-in that needs it.
 */
let decoy: Promise<string> | null = null;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword(crypto.randomBytes(32).toString('base64url'));
  return decoy;
}

/**
 * A one-time password an admin reads out or pastes: 16 characters from an alphabet without look-alikes (no 0/O,
 * 1/l/I), grouped in fours — about 90 bits.
 */
export function oneTimePassword(): string {
  const alphabet = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789';
  const chars: string[] = [];
  while (chars.length < 16) {
    const byte = crypto.randomBytes(1)[0]!;
    // Rejection sampling: no character more likely than another.
    if (byte < Math.floor(256 / alphabet.length) * alphabet.length) chars.push(alphabet[byte % alphabet.length]!);
  }
  return [0, 4, 8, 12].map((i) => chars.slice(i, i + 4).join('')).join('-');
}
