// The scan prefilter: one multi-literal search over raw bytes (Wu-Manber), ASCII case-insensitive.
//
// Written by hand because it is the hot path: every log byte passes through it. Three-byte blocks and
// per-literal windows chosen to avoid ordinary log text let it skip several bytes per step on routine
// lines, and its cost does not grow with the number of literals (one native indexOf pass per literal
// would). The alternatives tried and their figures are in bench/README.md ("The prefilter").

const FOLD = new Uint8Array(256);
for (let b = 0; b < 256; b++) FOLD[b] = b >= 65 && b <= 90 ? b + 32 : b;

/** A three-byte block (already folded) as a 21-bit index: exact for ASCII; other bytes may collide, which only shortens shifts. */
function blockHash(a: number, b: number, c: number): number {
  return ((a & 0x7f) << 14) | ((b & 0x7f) << 7) | (c & 0x7f);
}
const BLOCKS = 1 << 21;

export class Prefilter {
  /** Bytes of each literal, lower-cased (ASCII). */
  private readonly literals: Uint8Array[];
  /** The shortest literal length: the window the search slides. */
  readonly m: number;
  readonly shift: Uint8Array;
  /** Block → 1 + index into `buckets` of the literals whose window prefix ends with it (0: none). */
  private readonly bucketOf: Int32Array;
  private readonly buckets: number[][] = [];
  /** Where in each literal its search window starts. */
  private readonly offsets: number[];

  constructor(literals: readonly string[]) {
    this.literals = literals.map((l) => {
      const bytes = Buffer.from(l, 'utf8');
      for (let i = 0; i < bytes.length; i++) bytes[i] = FOLD[bytes[i]!]!;
      return new Uint8Array(bytes);
    });
    // Literals are at least MIN_LITERAL (3) bytes (checked when patterns compile): a window always holds a block.
    const m = Math.min(255, ...this.literals.map((l) => l.length));
    if (!(m >= 3)) throw new Error('prefilter literals need at least 3 bytes');
    this.m = m;
    this.shift = new Uint8Array(BLOCKS).fill(m - 2);
    this.bucketOf = new Int32Array(BLOCKS);
    const common = commonBlocks();
    this.offsets = this.literals.map((lit, id) => {
      // The window of this literal that ordinary log text is least likely to hold: its last block decides
      // how often the search stops to verify, its other blocks how far it skips.
      let best = 0;
      let bestScore = Infinity;
      for (let off = 0; off + m <= lit.length; off++) {
        let score = 0;
        for (let q = off + 2; q < off + m; q++) {
          const f = common.get(blockHash(lit[q - 2]!, lit[q - 1]!, lit[q]!)) ?? 0;
          score += q === off + m - 1 ? f * 8 : f;
        }
        if (score < bestScore) {
          bestScore = score;
          best = off;
        }
      }
      for (let q = 2; q < m; q++) {
        const h = blockHash(lit[best + q - 2]!, lit[best + q - 1]!, lit[best + q]!);
        const s = m - 1 - q;
        if (s === 0) this.addEnding(h, id);
        else if (s < this.shift[h]!) this.shift[h] = s;
      }
      return best;
    });
  }

  private addEnding(h: number, id: number): void {
    this.shift[h] = 0;
    const index = this.bucketOf[h]!;
    if (index === 0) {
      this.buckets.push([id]);
      this.bucketOf[h] = this.buckets.length;
    } else if (!this.buckets[index - 1]!.includes(id)) this.buckets[index - 1]!.push(id);
  }

  /** Whether literal `id` stands in buf[start, end) where the window ending at `pos` is its window (each literal holds its window at its offset). */
  private literalAt(buf: Uint8Array, id: number, pos: number, start: number, end: number): boolean {
    const lit = this.literals[id]!;
    const litStart = pos - (this.m - 1) - this.offsets[id]!;
    if (litStart < start || litStart + lit.length > end) return false;
    let k = 0;
    while (k < lit.length && FOLD[buf[litStart + k]!] === lit[k]) k++;
    return k === lit.length;
  }

  /**
   * Calls `found(lineStart, lineEnd)` for each line of buf[start, end) holding a literal, in order
   * (`lineEnd` is the index of its newline, or `end`). The region must hold whole lines. `found` may
   * return the end of what it consumed (lines joined to this one): the search goes on after it.
   */
  search(buf: Uint8Array, start: number, end: number, found: (lineStart: number, lineEnd: number) => number | void): void {
    const { m, shift, bucketOf, buckets } = this;
    let pos = start + m - 1;
    while (pos < end) {
      const h = blockHash(FOLD[buf[pos - 2]!]!, FOLD[buf[pos - 1]!]!, FOLD[buf[pos]!]!);
      const s = shift[h]!;
      if (s > 0) {
        pos += s;
        continue;
      }
      let hit = false;
      for (const id of buckets[bucketOf[h]! - 1]!) {
        if (this.literalAt(buf, id, pos, start, end)) {
          hit = true;
          break;
        }
      }
      if (!hit) {
        pos += 1;
        continue;
      }
      const lineStart = lastNewline(buf, pos, start) + 1;
      let lineEnd = indexOfNewline(buf, pos, end);
      if (lineEnd < 0) lineEnd = end;
      const consumed = found(lineStart, lineEnd);
      pos = (typeof consumed === 'number' && consumed > lineEnd ? consumed : lineEnd) + m;
    }
  }

  /**
   * Calls `found(id)` for every occurrence in buf[start, end) of a literal (`id`: its index in the list
   * given to the constructor). For the few lines `search` reports: it tells which literals they hold.
   */
  eachLiteral(buf: Uint8Array, start: number, end: number, found: (id: number) => void): void {
    const { m, shift, bucketOf, buckets } = this;
    let pos = start + m - 1;
    while (pos < end) {
      const h = blockHash(FOLD[buf[pos - 2]!]!, FOLD[buf[pos - 1]!]!, FOLD[buf[pos]!]!);
      const s = shift[h]!;
      if (s > 0) {
        pos += s;
        continue;
      }
      for (const id of buckets[bucketOf[h]! - 1]!) if (this.literalAt(buf, id, pos, start, end)) found(id);
      pos += 1;
    }
  }
}

/**
 * Ordinary Velero log text (routine info lines), whose three-byte blocks the search windows avoid.
 * Only a rarity estimate: any text gives correct results.
 */
const ORDINARY_TEXT = [
  'time="2024-04-24T00:00:00Z" level=info msg="Backed up 12 items out of an estimated total of 412 (estimate will change throughout the backup)" backup=velero/daily-20240424 logSource="pkg/backup/backup.go:499" name=app-1 namespace=app progress= resource=configmaps',
  'time="2024-04-24T00:00:00Z" level=info msg="Processing item" backup=velero/daily-20240424 logSource="pkg/backup/backup.go:449" name=app-1 namespace=app progress= resource=secrets',
  'time="2024-04-24T00:00:00Z" level=info msg="Validating BackupStorageLocation" backup-storage-location=velero/default controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:152"',
  'time="2024-04-24T00:00:00Z" level=info msg="BackupStorageLocations is valid, marking as available" backup-storage-location=velero/default controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:137"',
  'time="2024-04-24T00:00:00Z" level=debug msg="Skipping action because it does not apply to this resource" backup=velero/daily-20240424 logSource="pkg/backup/item_backupper.go:404" name=app-1 namespace=app resource=persistentvolumeclaims',
  'time="2024-04-24T00:00:00Z" level=info msg="PodVolumeBackup starting" backup=velero/daily-20240424 controller=podvolumebackup logSource="pkg/controller/pod_volume_backup_controller.go:116" podvolumebackup=velero/daily-20240424-xk2p',
  'time="2024-04-24T00:00:00Z" level=info msg="Reconciling backup repository" backupRepo=velero/app-default-kopia-4k2s controller=backup-repository logSource="pkg/controller/backup_repository_controller.go:120" restore=velero/restore-1 Restored 3 items to the cluster',
  'time="2024-04-24T00:00:00Z" level=info msg="Checking for existing backup locations ready to be verified; there needs to be at least 1 backup location available" controller=backup-storage-location logSource="pkg/controller/backup_storage_location_controller.go:58" Getting backup list from object store; sync backups from backup storage location default',
].join('\n');

let commonCache: Map<number, number> | undefined;

function commonBlocks(): Map<number, number> {
  if (!commonCache) {
    const bytes = Buffer.from(ORDINARY_TEXT, 'utf8');
    for (let i = 0; i < bytes.length; i++) bytes[i] = FOLD[bytes[i]!]!;
    commonCache = new Map();
    for (let i = 2; i < bytes.length; i++) {
      const h = blockHash(bytes[i - 2]!, bytes[i - 1]!, bytes[i]!);
      commonCache.set(h, (commonCache.get(h) ?? 0) + 1);
    }
  }
  return commonCache;
}

function lastNewline(buf: Uint8Array, from: number, floor: number): number {
  const i = Buffer.prototype.lastIndexOf.call(buf, 10, from) as number;
  return i < floor ? floor - 1 : i;
}

function indexOfNewline(buf: Uint8Array, from: number, end: number): number {
  const i = Buffer.prototype.indexOf.call(buf, 10, from) as number;
  return i < 0 || i >= end ? -1 : i;
}
