import type { PurchaseIds, PurchaseRepository } from './repository.ts';
import type { Order, Quote, Reservation } from './schemas.ts';
import { nextOrderId, nextReservationId } from './ids.ts';
import type { StoreFile } from './storeFile.ts';

/** Reservations, orders and quotes in `store.json`. */
export class JsonPurchases implements PurchaseRepository {
  constructor(private readonly file: StoreFile) {}

  reservations(customerId: string) {
    return this.file.data.reservations.filter((r) => r.customerId === customerId);
  }

  orders(customerId: string) {
    return this.file.data.orders.filter((o) => o.customerId === customerId);
  }

  quote(id: string) {
    return this.file.data.quotes.find((q) => q.id === id);
  }

  async boughtQuote(quoteId: string) {
    await this.file.settled();
    const order = this.orderOfQuote(quoteId);
    return order && { order, reservation: this.reservationOf(order) };
  }

  async saveQuote(quote: Quote, dropBefore: string): Promise<void> {
    await this.file.change((data) => {
      data.quotes = [...data.quotes.filter((q) => q.createdAt >= dropBefore), quote];
    });
  }

  async recordPurchase(quoteId: string, make: (ids: PurchaseIds) => { order: Order; reservation: Reservation }) {
    // Checked and recorded in one synchronous step, so that two confirmations at once cannot both buy;
    // the second waits for the first's write, so that it never reports a purchase that is not on disk.
    if (this.orderOfQuote(quoteId)) await this.file.settled();
    const earlier = this.orderOfQuote(quoteId);
    if (earlier) return { order: earlier, reservation: this.reservationOf(earlier), alreadyBought: true };
    return this.file.change((data) => {
      const { order, reservation } = make({ orderId: nextOrderId(data), reservationId: nextReservationId(data) });
      data.orders.push(order);
      data.reservations.push(reservation);
      return { order, reservation, alreadyBought: false };
    });
  }

  private orderOfQuote(quoteId: string) {
    return this.file.data.orders.find((o) => o.quoteId === quoteId);
  }

  private reservationOf(order: Order): Reservation {
    return this.file.data.reservations.find((r) => r.id === order.reservationId)!;
  }
}
