import type { Customer, LogEntry, NewLogEntry, Partner, Price, PurchasePermission } from './schemas.ts';

/** The partner's directory: who its agents are, its customers and their subscriptions, its prices. */
export interface DirectoryRepository {
  partner(): Partner;
  customers(): readonly Customer[];
  customer(id: string): Customer | undefined;
  prices(): readonly Price[];
  /** Resolves once the change is durable. */
  setPurchasePermission(customerId: string, permission: PurchasePermission): Promise<void>;
}

/** The append-only activity log (R18). */
export interface ActivityLogRepository {
  /** Resolves once the entry is durable; the entry gets the next sequence number. */
  append(entry: NewLogEntry): Promise<LogEntry>;
  /** The newest entries that match, newest first, at most `limit` of them. */
  newest(match: (entry: LogEntry) => boolean, limit: number): Promise<LogEntry[]>;
  size(): number;
}
