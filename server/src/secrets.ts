/**
 * Secrets at rest: API tokens as SHA-256 hashes (compared in constant time), Stripe credentials
 * sealed with AES-256-GCM under the workspace's encryption key.
 */
import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export const hashToken = (token: string): Buffer => createHash('sha256').update(token, 'utf8').digest();

export const sameHash = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && timingSafeEqual(a, b);

const derive = (password: string, salt: Buffer) =>
  new Promise<Buffer>((resolve, reject) => scrypt(password, salt, 32, (error, key) => (error ? reject(error) : resolve(key))));

/** A password for the workspace's sign-in page, as stored: `scrypt$<salt>$<key>` (base64url). */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  return `scrypt$${salt.toString('base64url')}$${(await derive(password, salt)).toString('base64url')}`;
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  const [scheme, salt, key] = stored?.split('$') ?? [];
  if (scheme !== 'scrypt' || !salt || !key) return false;
  return sameHash(await derive(password, Buffer.from(salt, 'base64url')), Buffer.from(key, 'base64url'));
}

/** Sealed layout: version (1) ‖ IV (12) ‖ tag (16) ‖ ciphertext. The version leaves room to rotate keys. */
const SEALED_VERSION = 1;

export interface Sealer {
  seal(plaintext: string): Buffer;
  open(sealed: Uint8Array): string;
  /** A key of its own for `purpose` (HKDF of the workspace key): the same on every instance and start. */
  derive(purpose: string): string;
}

export function createSealer(key: Buffer): Sealer {
  if (key.length !== 32) throw new Error('WORKSPACE_ENCRYPTION_KEY must be 32 bytes (64 hex digits or 44 base64 characters)');
  return {
    seal(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([Buffer.from([SEALED_VERSION]), iv, cipher.getAuthTag(), ciphertext]);
    },
    open(sealed) {
      const bytes = Buffer.from(sealed);
      if (bytes[0] !== SEALED_VERSION) throw new Error('sealed with an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(1, 13));
      decipher.setAuthTag(bytes.subarray(13, 29));
      return Buffer.concat([decipher.update(bytes.subarray(29)), decipher.final()]).toString('utf8');
    },
    derive: (purpose) => Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), purpose, 32)).toString('base64url'),
  };
}

/** A key as configured: 64 hex digits or base64 of 32 bytes. */
export function parseKey(text: string): Buffer {
  const trimmed = text.trim();
  return Buffer.from(trimmed, /^[0-9a-f]{64}$/i.test(trimmed) ? 'hex' : 'base64');
}

/**
 * The embedded default's key: `encryption.key` in the data folder, created on first start with
 * 0600 permissions. Losing it loses the Stripe credentials (admins reauthenticate), nothing else.
 */
export async function keyInDataDir(dataDir: string): Promise<Buffer> {
  const file = join(dataDir, 'encryption.key');
  try {
    return parseKey(await readFile(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  await writeFile(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  await chmod(file, 0o600);
  return key;
}
