// Content-addressed blobs (large diffs, binary files) kept beside the events that reference
// them by sha256 ("x", "size", "m" tags). Same database, so an event and its blob share a backup.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';

export interface StoredBlob {
  sha256: string;
  size: number;
  mime: string | null;
  data: Buffer;
  createdAt: number;
}

export interface BlobStore {
  /** Store bytes under their sha256 (hex); storing the same bytes again is a no-op. */
  putBlob(data: Uint8Array, mime?: string): { sha256: string; size: number; duplicate: boolean };
  getBlob(sha256: string): StoredBlob | undefined;
}

export function openBlobs(db: Database.Database): BlobStore {
  const insert = db.prepare('INSERT INTO blobs (sha256, size, mime, data, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING');
  const select = db.prepare('SELECT sha256, size, mime, data, created_at AS createdAt FROM blobs WHERE sha256 = ?');
  return {
    putBlob(data, mime) {
      const sha256 = createHash('sha256').update(data).digest('hex');
      const info = insert.run(sha256, data.byteLength, mime ?? null, Buffer.from(data.buffer, data.byteOffset, data.byteLength), Math.floor(Date.now() / 1000));
      return { sha256, size: data.byteLength, duplicate: info.changes === 0 };
    },
    getBlob(sha256) {
      return select.get(sha256.toLowerCase()) as StoredBlob | undefined;
    },
  };
}
