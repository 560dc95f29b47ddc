import type { UserFeatures } from '../features';
import { type Detector, Scorecard, clamp01 } from './detector';

/**
 * Micro-sellers use the social feature as a shop window: many different people pay them the same few prices
 * with order-like memos, and their greetings carry a contact handle. Each signal alone has innocent owners
 * (a bill collector has many transfers, a small shop has order memos from regulars), so the score needs money
 * from many distinct payers plus a second signal; shared-bill memos and a few dominant payers pull it down.
 */
export const microSellerDetector: Detector = {
  name: 'micro_seller',
  version: 2,
  threshold: 0.5,
  score(f: UserFeatures) {
    const card = new Scorecard();
    card.add('many_payers', 0.3, (f.distinctPayers - 5) / 20);
    card.add('repeated_price_points', 0.25, f.distinctPayers >= 3 ? f.repeatedPriceShare / 0.5 : 0);
    card.add('order_memos', 0.25, f.orderMemoShare / 0.5);
    card.add(
      'contact_handle_in_greetings',
      0.45,
      f.handleGreetings >= 1 ? 0.6 + 0.4 * clamp01((f.handleGreetings - 1) / 2) : 0,
    );
    card.add('partial_contact_handle', 0.1, f.partialHandleGreetings);
    card.add('selling_reports', 0.2, (f.reportsByReason.selling ?? 0) / 2);
    card.penalise('shared_bill_memos', 0.3, f.billMemoShare / 0.5);
    // A shop's regulars: most money from the same few people. Says nothing about a handle in greetings.
    card.penalise('few_regular_payers', 0.25, f.handleGreetings === 0 ? (f.topPayersShare - 0.3) / 0.4 : 0);
    return card.verdict({
      distinct_payers: f.distinctPayers,
      incoming_transfers: f.incomingTransfers,
      repeated_price_share: round(f.repeatedPriceShare),
      order_memo_share: round(f.orderMemoShare),
      bill_memo_share: round(f.billMemoShare),
      handle_greetings: f.handleGreetings,
      selling_reports: f.reportsByReason.selling ?? 0,
    });
  },
};

const round = (x: number): number => Math.round(x * 1000) / 1000;
