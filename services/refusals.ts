import type { Customer, Subscription, Term } from '../data/schemas.ts';
import { quoted } from './excerpt.ts';
import { CodedError, ErrorCode } from './codedError.ts';
import type { Ineligibility } from './eligibility.ts';
import type { CloudError } from './microsoftCloud.ts';
import { formatMoney } from './money.ts';
import { operationNames } from './operations.ts';
import { roleLabels, type Person } from './people.ts';
import { possessive } from './possessive.ts';
import { termLabel } from './terms.ts';
import { usageMarkdown } from './usageMarkdown.ts';

export const maxQuantity = 1000;

/** Azure's rule for a resource group's name, as the form's field and the refusal say it. */
export const resourceGroupRule = 'A resource group name has 1 to 90 letters, digits, underscores, hyphens, periods and parentheses, and does not end in a period.';

const subscriptionLabel = (s: Subscription) => (s.name ? `"${s.name}" (${s.id})` : `"${s.id}"`);

/** The catalogue of domain refusals, each with the message a user sees. */
export const refusals = {
  /** R2 */
  adminOnly(person: Person, action: string, partnerName: string): CodedError {
    const message =
      person.kind === 'agent'
        ? `Only Admin Agents of ${partnerName} can ${action}. You are a ${roleLabels[person.role]}, so you can see it but not change it. Ask one of ${possessive(partnerName)} Admin Agents to do it.`
        : `Only ${partnerName} can ${action}. If you need it, ask your contact at ${partnerName}.`;
    return new CodedError(ErrorCode.RoleNotAllowed, message);
  },
  /** R4: a suspended Azure Plan is told apart from a missing one. */
  noEligibleSubscription(reason: Ineligibility): CodedError {
    return new CodedError(ErrorCode.NoEligibleSubscription, reason.text);
  },
  customerNotFound(query: string, viewer: Person, ownCustomerName?: string): CodedError {
    const message =
      viewer.kind === 'customerUser'
        ? `You can see only ${possessive(ownCustomerName ?? 'your own customer')} account. Type \`customer\` to open it.`
        : `No customer matches ${quoted(query)}. Type \`customers\` to see them all, then use an id, a domain or part of a name.`;
    return new CodedError(ErrorCode.CustomerNotFound, message);
  },
  unknownCardAction(): CodedError {
    return new CodedError(ErrorCode.UnknownCardAction, 'This button is no longer supported, so nothing was changed. Type `help` to see what you can do.');
  },
  /** Someone the directory does not know, as Teams or a verified token named them (R18). */
  unknownPerson(partnerName: string, who: { tenantId: string; userId: string }): CodedError {
    return new CodedError(
      ErrorCode.UnknownPerson,
      `${possessive(partnerName)} reservations bot does not know you (tenant ${who.tenantId}, user ${who.userId}), so it can show or change nothing for you. If you should have access, ask the partner's Admin Agent to add you.`,
    );
  },
  commandNotForRole(command: string, person: Person): CodedError {
    return new CodedError(ErrorCode.RoleNotAllowed, `\`${command}\` is not available to you as a ${roleLabels[person.role]}. Type \`help\` to see what you can do.`);
  },
  cardActionNotForRole(person: Person): CodedError {
    return new CodedError(ErrorCode.RoleNotAllowed, `This button is not available to you as a ${roleLabels[person.role]}, so nothing was changed.`);
  },
  invalidCardData(): CodedError {
    return new CodedError(ErrorCode.InvalidCardData, "This card's data is not what I expected, so nothing was changed. Open the card again from the chat; type `help` to see how.");
  },
  logFilterNotUnderstood(words: string, viewer: Person, ownCustomerName?: string): CodedError {
    const how =
      viewer.kind === 'agent'
        ? 'The log can be filtered by a customer (id, domain or part of a name), an operation, or both, such as `log create` or `log fabrikam delete`.'
        : `You see only ${possessive(ownCustomerName ?? 'your own customer')} entries; filter them by operation, such as \`log create\`.`;
    return new CodedError(ErrorCode.CustomerNotFound, `I could not match ${quoted(words)} to ${viewer.kind === 'agent' ? 'a customer or ' : ''}an operation. ${how} Operations: ${operationNames.join(', ')}.`);
  },
  /** R7 */
  purchaseNotAllowed(customer: Customer, partnerName: string): CodedError {
    return new CodedError(
      ErrorCode.PurchaseNotAllowed,
      `${partnerName} has not allowed ${customer.name} to buy Azure reservations: the permission "Azure reservations: allow customer to purchase" is off. Ask your contact at ${partnerName} to turn it on, or to buy the reservation for you. Reservations you already have are not affected.`,
    );
  },
  /** R5; `ownerNames` is left out where Azure, not the directory, knows who the Owners are. */
  ownerRequired(subscription: Subscription, ownerNames?: string[]): CodedError {
    const owners = !ownerNames ? '' : ownerNames.length ? ` Its Owners: ${ownerNames.join(', ')}.` : ' Nobody holds Owner on it yet.';
    return new CodedError(
      ErrorCode.OwnerRequired,
      `You need the Owner role (Azure RBAC) on the subscription ${subscriptionLabel(subscription)} to buy a reservation billed to it, and you do not have it.${owners} Ask for the Owner role on it, then try again, or choose a subscription you own.`,
    );
  },
  /** R4, at purchase time: the billing subscription must be an eligible one of this customer. */
  subscriptionNotEligible(customer: Customer, asked: string, eligible: Subscription[]): CodedError {
    const subscription = customer.subscriptions.find((s) => s.id === asked);
    const why = subscription
      ? `${subscriptionLabel(subscription)} is not an active, usage-based Azure Plan or Azure Global subscription, so reservations cannot be billed to it.`
      : `${quoted(asked)} is not one of ${possessive(customer.name)} subscriptions.`;
    const next = eligible.length ? ` Choose one of: ${eligible.map(subscriptionLabel).join(', ')}.` : ` ${customer.name} has no such subscription at the moment.`;
    return new CodedError(ErrorCode.SubscriptionNotEligible, why + next);
  },
  /** R4: nothing to buy under. */
  noSubscriptionToBuyUnder(customer: Customer, reason: Ineligibility, viewer: Person, partnerName: string): CodedError {
    const next = viewer.kind === 'agent' ? `${reason.fix}.` : `Ask your contact at ${partnerName} about it.`;
    return new CodedError(ErrorCode.SubscriptionNotEligible, `${reason.why}, so no reservation can be bought for ${customer.name}. ${next}`);
  },
  /** R8: buying is for customer users, and for Admin and Sales Agents on a customer's behalf. */
  buyNotAllowed(person: Person): CodedError {
    return new CodedError(ErrorCode.RoleNotAllowed, `Only Admin Agents and Sales Agents can buy reservations for a customer. You are a ${roleLabels[person.role]}, so you can see purchases but not make them.`);
  },
  /** R8: a customer user buys for their own organisation only. */
  buyForOwnOnly(ownCustomerName: string): CodedError {
    return new CodedError(ErrorCode.CustomerNotFound, `You can buy reservations only for your own organisation, ${ownCustomerName}. Type \`buy\` to start.`);
  },
  unknownProduct(sku: string): CodedError {
    return new CodedError(ErrorCode.UnknownProduct, `I don't know the product ${quoted(sku)}. Type \`prices\` to see the products and their SKUs.`);
  },
  unknownRegion(sku: string, region: string, regions: string[]): CodedError {
    return new CodedError(ErrorCode.UnknownRegion, `${sku} is not offered in ${quoted(region)}. It is offered in: ${regions.join(', ')}.`);
  },
  termNotOffered(sku: string, region: string, term: string, terms: Term[]): CodedError {
    return new CodedError(ErrorCode.TermNotOffered, `${sku} in ${region} is not offered for a term of ${quoted(term)}. Terms offered: ${terms.map(termLabel).join(', ')}.`);
  },
  /** R10: nothing can be bought without the partner's price. */
  noPartnerPrice(offer: { sku: string; region: string; term: Term }, viewer: Person, partnerName: string): CodedError {
    const what = `${offer.sku} in ${offer.region} for ${termLabel(offer.term)}`;
    const next =
      viewer.kind === 'agent'
        ? `An Admin Agent can set one: ${usageMarkdown(`price ${offer.sku} ${offer.region} ${offer.term} <amount>`)}.`
        : `Ask your contact at ${partnerName}, or type \`prices\` to see what you can buy.`;
    return new CodedError(ErrorCode.NoPartnerPrice, `${partnerName} has no price for ${what}, so it cannot be bought. ${next}`);
  },
  /** R10: an empty price list. */
  nothingPriced(viewer: Person, partnerName: string): CodedError {
    const next = viewer.kind === 'agent' ? `An Admin Agent can set prices: type \`prices\` to see the catalogue, then ${usageMarkdown('price <sku> <region> <term> <amount>')}.` : `Ask your contact at ${partnerName}.`;
    return new CodedError(ErrorCode.NoPartnerPrice, `${partnerName} has not priced any reservation yet, so nothing can be bought. ${next}`);
  },
  invalidQuantity(quantity: string): CodedError {
    return new CodedError(ErrorCode.InvalidQuantity, `The quantity must be a whole number from 1 to ${maxQuantity}; ${quoted(quantity)} is not.`);
  },
  /** R14: about the resource-group input of a form, so it is shown under it. */
  invalidResourceGroup(name: string): CodedError {
    const what = name ? `${quoted(name)} is not a valid resource group name.` : 'Type the name of the resource group for a resource-group scope.';
    return new CodedError(ErrorCode.InvalidScope, `${what} ${resourceGroupRule}`, 'resourceGroup');
  },
  invalidScope(why: string): CodedError {
    return new CodedError(ErrorCode.InvalidScope, `${why} The scope can be shared, a single subscription, a resource group in one of your subscriptions, or one of your management groups.`);
  },
  invalidPrice(text: string): CodedError {
    return new CodedError(ErrorCode.InvalidPrice, `The price must be an amount of more than 0 with at most two decimals, such as 612 or 612.50, or \`none\` to withdraw it; ${quoted(text)} is not.`);
  },
  /** R21 */
  priceNotPositive(text: string): CodedError {
    return new CodedError(
      ErrorCode.InvalidPrice,
      `A partner price must be more than 0, and ${quoted(text)} is not: customers would get reservations for nothing, billed to you. Type an amount such as 612.50, or \`none\` to withdraw the price so that nobody can buy it.`,
    );
  },
  quoteNotFound(): CodedError {
    return new CodedError(ErrorCode.QuoteNotFound, 'This purchase card is no longer valid (a card is valid for 24 hours, and only for the person who prepared it), so nothing was bought. Type `buy` to start again.');
  },
  priceChanged(quoted: number, now: number | undefined, currency: string): CodedError {
    const current = now === undefined ? 'it can no longer be bought' : `it is now ${formatMoney(now, currency)} per unit`;
    return new CodedError(ErrorCode.PriceChanged, `The price changed after this card was prepared (it was ${formatMoney(quoted, currency)} per unit; ${current}), so nothing was bought. Type \`buy\` to see the new price.`);
  },
  /** Partner Center or Azure could not do `action` ("turn the permission on"): why, in plain words, and what to do. */
  cloud(err: CloudError, cloudName: string, action: string): CodedError {
    const service = cloudName.charAt(0).toUpperCase() + cloudName.slice(1);
    switch (err.problem) {
      case 'unavailable':
        return new CodedError(ErrorCode.CloudUnavailable, `${service} did not answer, so I could not ${action} and nothing was changed. ${err.message} Try again in a few minutes.`);
      case 'refused':
        return new CodedError(ErrorCode.CloudRefused, `${service} refused to ${action}, so nothing was changed: ${err.message}`);
      case 'signInRequired':
        return new CodedError(ErrorCode.SignInRequired, `${service} must know it is you to ${action}, so nothing was changed. ${err.message}`);
      case 'unknownOutcome':
        return new CodedError(ErrorCode.CloudOutcomeUnknown, `${service} did not answer in time, so I cannot tell whether my request to ${action} went through. Type \`sync\` in a minute to see where it stands, then try again if needed.`);
    }
  },
};
