import { adaptiveCard, heading, noticeBlock, typedCommandAction, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { onOff, plural } from './format.ts';
import { pageButtons } from './listPage.ts';

export const customersPageVerb = 'customers.page';

export interface CustomerListCardModel {
  partnerName: string;
  /** `ineligible`: why R4 keeps the permission off, in a few words ("Azure Plan suspended"). */
  rows: { id: string; name: string; domain: string; permissionOn: boolean; ineligible?: string }[];
  page: number;
  pageCount: number;
  total: number;
  /** When the page asked for did not exist. */
  notice?: Notice;
}

/** Every customer with its permission state, one page at a time; a row opens the customer's card. */
export function customerListCard({ partnerName, rows, page, pageCount, total, notice }: CustomerListCardModel): AdaptiveCard {
  const header = {
    type: 'ColumnSet',
    columns: [
      { type: 'Column', width: 'stretch', items: [{ type: 'TextBlock', text: 'Customer', weight: 'Bolder' }] },
      { type: 'Column', width: 'auto', items: [{ type: 'TextBlock', text: 'Can buy reservations', weight: 'Bolder' }] },
    ],
  };
  const lines = rows.map((row) => ({
    type: 'ColumnSet',
    separator: true,
    selectAction: typedCommandAction(`Open ${row.name}`, `customer ${row.domain}`),
    columns: [
      {
        type: 'Column',
        width: 'stretch',
        items: [
          { type: 'TextBlock', text: row.name, wrap: true },
          { type: 'TextBlock', text: row.domain, isSubtle: true, size: 'Small', spacing: 'None', wrap: true },
        ],
      },
      {
        type: 'Column',
        width: 'auto',
        items: [{ type: 'TextBlock', text: `${onOff(row.permissionOn)}${row.ineligible ? ` (${row.ineligible})` : ''}`, color: row.permissionOn ? 'Good' : 'Default' }],
      },
    ],
  }));
  const subtitle = total === 0 ? 'No customers yet.' : `${plural(total, 'customer')}${pageCount > 1 ? ` · page ${page} of ${pageCount}` : ''} · select one to open it`;
  const actions = pageButtons({ number: page, count: pageCount }, customersPageVerb, {});
  return adaptiveCard([...heading(`Customers of ${partnerName}`, subtitle), ...(notice ? [noticeBlock(notice)] : []), ...(rows.length ? [header, ...lines] : [])], actions);
}
