import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { describeIssues } from './describeIssues.ts';
import { storeSchema, type StoreData, type StoreInput } from './schemas.ts';
import { StoreError } from './storeError.ts';

/** `store.json` through lowdb: validated on load, rewritten whole and atomically (temp file + rename) on every change. */
export class StoreFile {
  private writing: Promise<unknown> = Promise.resolve();

  private constructor(private readonly db: Low<StoreData>) {}

  /** Opens an existing store file; a file that is not valid JSON or not a valid store is refused, never replaced. */
  static async open(file: string): Promise<StoreFile> {
    const adapter = new JSONFile<unknown>(file);
    let raw: unknown;
    try {
      raw = await adapter.read();
    } catch (err) {
      throw new StoreError(file, `not valid JSON (${(err as Error).message}). The file was left as it is: fix it, or move it away to start from the demo world.`);
    }
    if (raw === null) throw new StoreError(file, 'does not exist');
    const parsed = storeSchema.safeParse(raw);
    if (!parsed.success) {
      throw new StoreError(file, `not a valid store. The file was left as it is: fix it, or move it away to start from the demo world.\n${describeIssues(parsed.error)}`);
    }
    return new StoreFile(new Low(new JSONFile<StoreData>(file), parsed.data));
  }

  /** Writes `data` as the whole store, replacing any file at `file`. */
  static async create(file: string, data: StoreInput): Promise<StoreFile> {
    const db = new Low(new JSONFile<StoreData>(file), storeSchema.parse(data));
    await db.write();
    return new StoreFile(db);
  }

  get data(): StoreData {
    return this.db.data;
  }

  /**
   * Applies `change` to the data and resolves once the file holds it. If `change` throws or the write
   * fails, the data is put back as it was, so that nothing unconfirmed is ever read back.
   */
  async change<T>(change: (data: StoreData) => T): Promise<T> {
    const before = structuredClone(this.db.data);
    let result: T;
    try {
      result = change(this.db.data);
    } catch (err) {
      this.db.data = before;
      throw err;
    }
    const write = this.db.write();
    this.writing = write.catch(() => undefined);
    try {
      await write;
    } catch (err) {
      this.db.data = before;
      throw err;
    }
    return result;
  }

  /** Resolves once the writes under way have finished (whether or not they succeeded). */
  async settled(): Promise<void> {
    await this.writing;
  }
}
