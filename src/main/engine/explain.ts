import { HOUR_BANDS } from './window';
import { coPresentVisits } from './kernel';
import type { MatchPool } from './pool';

/** What an introduction may show as the basis of its reasons: ids and hour bands only, never amounts or times. */
export interface IntroductionEvidence {
  /** Rarest shared places first (merchant ids; an online brand is named by one of its stores). */
  sharedPlaces: string[];
  /** Places where both paid in the same hour band on nearby days ("we may have met"). */
  coPresence: { merchantId: string; hourBand: string }[];
  sameDistrict: boolean;
}

const MAX_PLACES = 5;

export function pairEvidence(pool: MatchPool, a: number, b: number): IntroductionEvidence {
  const shared: { place: number; ea: number; eb: number }[] = [];
  let j = pool.userPlaceStart[b]!;
  const bEnd = pool.userPlaceStart[b + 1]!;
  for (let i = pool.userPlaceStart[a]!; i < pool.userPlaceStart[a + 1]!; i++) {
    const p = pool.userPlace[i]!;
    while (j < bEnd && pool.userPlace[j]! < p) j++;
    if (j < bEnd && pool.userPlace[j] === p && pool.placeWeight[p]! > 0) shared.push({ place: p, ea: i, eb: j });
  }
  shared.sort((x, y) => pool.placeWeight[y.place]! - pool.placeWeight[x.place]! || x.place - y.place);
  const coPresence: IntroductionEvidence['coPresence'] = [];
  for (const s of shared) {
    if (pool.placeOnline[s.place] || coPresentVisits(pool, s.ea, s.eb) === 0) continue;
    for (const band of sharedBands(pool, s.ea, s.eb)) {
      coPresence.push({ merchantId: pool.merchantIds[pool.placeMerchant[s.place]!]!, hourBand: band });
    }
    if (coPresence.length >= MAX_PLACES) break;
  }
  return {
    sharedPlaces: shared.slice(0, MAX_PLACES).map((s) => pool.merchantIds[pool.placeMerchant[s.place]!]!),
    coPresence: coPresence.slice(0, MAX_PLACES),
    sameDistrict: pool.district[a]! >= 0 && pool.district[a] === pool.district[b],
  };
}

function sharedBands(pool: MatchPool, ea: number, eb: number): string[] {
  const bands = new Set<string>();
  for (let i = pool.visitStart[ea]!; i < pool.visitStart[ea + 1]!; i++) {
    const x = pool.visitCode[i]!;
    for (let k = pool.visitStart[eb]!; k < pool.visitStart[eb + 1]!; k++) {
      const y = pool.visitCode[k]!;
      if ((x & 7) === (y & 7) && Math.abs((x >> 3) - (y >> 3)) <= 1) bands.add(HOUR_BANDS[x & 7]!);
    }
  }
  return [...bands];
}
