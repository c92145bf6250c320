/** One `T` per tenant, made on first use and kept: a client keeps its tokens and its connections. */
export function perTenant<T>(make: (tenantId: string) => T): (tenantId: string) => T {
  const made = new Map<string, T>();
  return (tenantId) => {
    let value = made.get(tenantId);
    if (value === undefined) made.set(tenantId, (value = make(tenantId)));
    return value;
  };
}
