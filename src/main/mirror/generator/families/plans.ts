import { chatterPlans } from './chatters';
import type { FamilyPlan } from './context';
import { gatheringPlans } from './gatherings';
import { paymentPlans } from './payments';
import { sellerPlans } from './sellers';
import { spammerPlans } from './spammers';

/**
 * Every behaviour family the generator plants, in assignment order (abuse first). One module per kind of family;
 * the label each family carries is the shared vocabulary's (BEHAVIOUR_FAMILIES).
 */
export const FAMILY_PLANS: readonly FamilyPlan[] = [
  ...sellerPlans,
  ...spammerPlans,
  ...gatheringPlans,
  ...paymentPlans,
  ...chatterPlans,
];
