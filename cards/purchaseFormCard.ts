import type { ManagementGroup, Price, Scope, Subscription } from '../data/schemas.ts';
import type { Offer } from '../services/catalog.ts';
import { formatMoney } from '../services/money.ts';
import { possessive } from '../services/possessive.ts';
import { maxQuantity, resourceGroupRule } from '../services/refusals.ts';
import type { PurchaseChoices } from '../services/purchases.ts';
import { termLabel } from '../services/terms.ts';
import { adaptiveCard, executeAction, heading, inputNotice, topNotice, type AdaptiveCard, type Notice } from './adaptiveCard.ts';
import { note, subscriptionTitle } from './format.ts';

export const purchaseReviewVerb = 'purchase.review';

/** What the form's inputs hold, as Teams sends them back merged into the button's data. */
export interface PurchaseFormValues {
  offer: string;
  quantity: string;
  billingPlan: 'Upfront' | 'Monthly';
  billingSubscription: string;
  scope: string;
  resourceGroup?: string;
}

/** A catalogue row as one choice value: "sku|region|term". */
export const offerValue = (price: Pick<Price, 'sku' | 'region' | 'term'>) => `${price.sku}|${price.region}|${price.term}`;

/** A scope as one choice value: "shared", "single|<subscription>", "rg|<subscription>" (the group is its own input), "mg|<group>". */
export function scopeValue(scope: Scope): string {
  switch (scope.type) {
    case 'Shared':
      return 'shared';
    case 'Single':
      return `single|${scope.subscriptionId}`;
    case 'ResourceGroup':
      return `rg|${scope.subscriptionId}`;
    case 'ManagementGroup':
      return `mg|${scope.managementGroupId}`;
  }
}

/** The scope a choice value and the resource-group input stand for; undefined if the value is none of the forms above. */
export function scopeOf(value: string, resourceGroup: string | undefined): Scope | undefined {
  const [kind, target] = value.split('|');
  if (kind === 'shared' && target === undefined) return { type: 'Shared' };
  if (!target) return undefined;
  if (kind === 'single') return { type: 'Single', subscriptionId: target };
  if (kind === 'rg') return { type: 'ResourceGroup', subscriptionId: target, resourceGroup: resourceGroup?.trim() ?? '' };
  if (kind === 'mg') return { type: 'ManagementGroup', managementGroupId: target };
  return undefined;
}

export interface PurchaseFormModel {
  choices: PurchaseChoices;
  partnerName: string;
  /** Agents buy on the customer's behalf and see the Web Direct price beside the partner's (R10). */
  forAgent: boolean;
  /** What the form shows filled in: a previous attempt, or the defaults. */
  values?: Partial<PurchaseFormValues>;
  notice?: Notice;
}

export function offerTitle({ product, price }: Offer, forAgent: boolean): string {
  const unit = `${formatMoney(price.partnerPrice!, price.currency)} per unit`;
  const retail = forAgent ? ` (Web Direct ${formatMoney(price.webDirectPrice, price.currency)})` : '';
  return `${product.name} · ${price.region} · ${termLabel(price.term)} · ${unit}${retail}`;
}

/** Up to this many choices show as radio buttons, each title whole; more show as a list to type into and pick from. */
export const expandedChoices = 8;

/**
 * A required choice. A short list shows as radio buttons, whose titles wrap, because a dropdown cuts a long title at
 * the width of its box ("USD 612."); a long one as a list the chooser can type into, whose titles wrap when opened.
 * With no value nothing is chosen, and "Choose the …" is asked until something is.
 */
export const choiceSet = (id: string, label: string, choices: { title: string; value: string }[], value: string | undefined) => ({
  type: 'Input.ChoiceSet',
  id,
  label,
  isRequired: true,
  errorMessage: `Choose the ${label.toLowerCase()}.`,
  placeholder: `Choose the ${label.toLowerCase()}`,
  wrap: true,
  style: choices.length <= expandedChoices ? 'expanded' : 'filtered',
  choices,
  ...(value !== undefined ? { value } : {}),
});

/**
 * Azure's resource-group name rule for the card to check before sending (services/scope.ts checks it again). Adaptive
 * Cards clients compile it without the `u` flag, so it cannot name Unicode letters: it lets any non-ASCII through.
 */
export const resourceGroupPattern = '^[-\\w.()\\u0080-\\uFFFF]{0,89}[-\\w()\\u0080-\\uFFFF]$';

/**
 * R14: the scope choice (shared, a subscription, a resource group in one, a management group) and the resource-group
 * box, with a refusal about the box (`notice` with field resourceGroup) right under it.
 */
export function scopeInputs(customerName: string, subscriptions: Subscription[], managementGroups: ManagementGroup[], values: { scope?: string; resourceGroup?: string }, notice?: Notice): object[] {
  const scopes = [
    { title: `Shared: every Azure subscription of ${customerName}`, value: 'shared' },
    ...subscriptions.map((s) => ({ title: `Single subscription: ${subscriptionTitle(s)}`, value: scopeValue({ type: 'Single', subscriptionId: s.id }) })),
    ...subscriptions.map((s) => ({ title: `Resource group (named below) in ${s.name ?? s.id}`, value: scopeValue({ type: 'ResourceGroup', subscriptionId: s.id, resourceGroup: '-' }) })),
    ...managementGroups.map((g) => ({ title: `Management group: ${g.name}`, value: scopeValue({ type: 'ManagementGroup', managementGroupId: g.id }) })),
  ];
  return [
    choiceSet('scope', 'Scope', scopes, values.scope),
    {
      type: 'Input.Text',
      id: 'resourceGroup',
      label: 'Resource group (only for a resource-group scope)',
      placeholder: 'e.g. rg-web-prod',
      maxLength: 90,
      regex: resourceGroupPattern,
      errorMessage: resourceGroupRule,
      ...(values.resourceGroup ? { value: values.resourceGroup } : {}),
    },
    ...inputNotice(notice, 'resourceGroup'),
  ];
}

/** The purchase form: product, region and term (one choice, each with its price), quantity, billing plan, billing subscription and scope. */
export function purchaseFormCard({ choices, partnerName, forAgent, values = {}, notice }: PurchaseFormModel): AdaptiveCard {
  const { customer } = choices;
  const body = [
    ...heading(forAgent ? `Buy a reservation for ${customer.name}` : 'Buy an Azure reservation', forAgent ? `On the customer's behalf, billed to ${partnerName}` : `${customer.name} · billed to ${partnerName}`),
    ...topNotice(notice),
    choiceSet('offer', 'Product, region and term', choices.offers.map((o) => ({ title: offerTitle(o, forAgent), value: offerValue(o.price) })), values.offer ?? (choices.offers[0] && offerValue(choices.offers[0].price))),
    { type: 'Input.Number', id: 'quantity', label: 'Quantity', isRequired: true, min: 1, max: maxQuantity, value: Number(values.quantity ?? 1) || 1, errorMessage: `A whole number from 1 to ${maxQuantity}.` },
    choiceSet('billingPlan', 'Billing plan', [{ title: 'Upfront: the whole term now', value: 'Upfront' }, { title: 'Monthly: the same total in monthly payments', value: 'Monthly' }], values.billingPlan ?? 'Upfront'),
    choiceSet('billingSubscription', 'Billing subscription', choices.billTo.map((s) => ({ title: subscriptionTitle(s), value: s.id })), values.billingSubscription ?? choices.billTo[0]?.id),
    ...scopeInputs(customer.name, choices.scopeSubscriptions, choices.managementGroups, { ...values, scope: values.scope ?? 'shared' }, notice),
    note(forAgent ? 'The customer pays nothing: every reservation is billed to you at your partner price.' : `Prices are ${possessive(partnerName)} prices. The next step shows the total; nothing is bought until you confirm it.`),
  ];
  return adaptiveCard(body, [executeAction('Review purchase', purchaseReviewVerb, { customerId: customer.id }, 'positive')]);
}
