import type { DirectoryRepository } from './repository.ts';
import { priceKey, type Customer, type Price, type PurchasePermission, type Settings } from './schemas.ts';
import type { StoreFile } from './storeFile.ts';

/** The directory part of `store.json`. */
export class JsonDirectory implements DirectoryRepository {
  private indexed?: readonly Customer[];
  private byId = new Map<string, Customer>();

  constructor(private readonly file: StoreFile) {}

  partner() {
    return this.file.data.partner;
  }

  customers() {
    return this.file.data.customers;
  }

  customer(id: string) {
    // Rebuilt whenever the list is another array (a failed write puts back an earlier one).
    if (this.indexed !== this.file.data.customers) {
      this.indexed = this.file.data.customers;
      this.byId = new Map(this.indexed.map((c) => [c.id, c]));
    }
    return this.byId.get(id);
  }

  products() {
    return this.file.data.products;
  }

  prices() {
    return this.file.data.prices;
  }

  settings() {
    return this.file.data.settings;
  }

  async setPurchasePermission(customerId: string, permission: PurchasePermission): Promise<void> {
    if (!this.customer(customerId)) throw new Error(`no customer ${customerId}`);
    await this.file.change((data) => {
      data.customers.find((c) => c.id === customerId)!.purchasePermission = permission;
    });
  }

  async setPartnerPrice(row: Pick<Price, 'sku' | 'region' | 'term'>, partnerPrice: number | undefined): Promise<void> {
    const key = priceKey(row);
    if (!this.prices().some((p) => priceKey(p) === key)) throw new Error(`no catalogue row ${key}`);
    await this.file.change((data) => {
      const price = data.prices.find((p) => priceKey(p) === key)!;
      if (partnerPrice === undefined) delete price.partnerPrice;
      else price.partnerPrice = partnerPrice;
    });
  }

  async setSettings(settings: Settings): Promise<void> {
    await this.file.change((data) => {
      data.settings = settings;
    });
  }
}
