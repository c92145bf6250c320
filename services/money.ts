/** Money is counted in whole cents, so that sums and products of prices never pick up floating-point dust. */
export const toCents = (amount: number) => Math.round(amount * 100);
export const fromCents = (cents: number) => cents / 100;

/** The price of `quantity` units at `unitPrice`. */
export const times = (unitPrice: number, quantity: number) => fromCents(toCents(unitPrice) * quantity);

const grouped = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** "USD 1,224.00" */
export const formatMoney = (amount: number, currency: string) => `${currency} ${grouped.format(amount)}`;
