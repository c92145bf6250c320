import { Low } from 'lowdb';
import { JSONFile } from 'lowdb/node';
import { describeIssues } from './describeIssues.ts';
import type { DirectoryRepository } from './repository.ts';
import { storeSchema, type Customer, type PurchasePermission, type StoreData } from './schemas.ts';
import { StoreError } from './storeError.ts';

/** The directory as one lowdb JSON file, validated on load and written atomically (temp file + rename). */
export class JsonDirectory implements DirectoryRepository {
  private readonly byId: Map<string, Customer>;

  private constructor(private readonly db: Low<StoreData>) {
    this.byId = new Map(db.data.customers.map((c) => [c.id, c]));
  }

  /** Opens an existing store file; a file that is not valid JSON or not a valid store is refused, never replaced. */
  static async open(file: string): Promise<JsonDirectory> {
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
    return new JsonDirectory(new Low(new JSONFile<StoreData>(file), parsed.data));
  }

  /** Writes `data` as the whole store, replacing any file at `file`. */
  static async create(file: string, data: StoreData): Promise<JsonDirectory> {
    const db = new Low(new JSONFile<StoreData>(file), storeSchema.parse(data));
    await db.write();
    return new JsonDirectory(db);
  }

  partner() {
    return this.db.data.partner;
  }

  customers() {
    return this.db.data.customers;
  }

  customer(id: string) {
    return this.byId.get(id);
  }

  prices() {
    return this.db.data.prices;
  }

  async setPurchasePermission(customerId: string, permission: PurchasePermission): Promise<void> {
    const customer = this.byId.get(customerId);
    if (!customer) throw new Error(`no customer ${customerId}`);
    const before = customer.purchasePermission;
    customer.purchasePermission = permission;
    try {
      await this.db.write();
    } catch (err) {
      customer.purchasePermission = before;
      throw err;
    }
  }
}
