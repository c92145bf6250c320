import { nextOrderId, nextRequestId, nextReservationId } from './ids.ts';
import type { ChangeRecords, ChangeRequestRepository } from './repository.ts';
import type { StoreData } from './schemas.ts';
import type { StoreFile } from './storeFile.ts';

/** Change requests in `store.json`, changed together with the reservations and orders an approval touches. */
export class JsonRequests implements ChangeRequestRepository {
  constructor(private readonly file: StoreFile) {}

  requests() {
    return this.file.data.requests;
  }

  request(id: string) {
    return this.file.data.requests.find((r) => r.id === id);
  }

  change<T>(step: (records: ChangeRecords) => T): Promise<T> {
    return this.file.change((data) => step(recordsOf(data)));
  }

  settled(): Promise<void> {
    return this.file.settled();
  }
}

function recordsOf(data: StoreData): ChangeRecords {
  const add = <R>(list: R[], record: R) => {
    list.push(record);
    return record;
  };
  return {
    request: (id) => data.requests.find((r) => r.id === id),
    reservation: (id) => data.reservations.find((r) => r.id === id),
    reservations: (customerId) => data.reservations.filter((r) => r.customerId === customerId),
    addRequest: (make) => add(data.requests, make(nextRequestId(data))),
    addOrder: (make) => add(data.orders, make(nextOrderId(data))),
    addPurchase: (make) => {
      const made = make({ orderId: nextOrderId(data), reservationId: nextReservationId(data) });
      add(data.orders, made.order);
      add(data.reservations, made.reservation);
      return made;
    },
  };
}
