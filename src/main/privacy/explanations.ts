import { isHourBand } from '../../shared/domain/places';
import type { PlaceLabel } from './disclosure';

/**
 * Reason codes → plain words. main picks the message key and its parameters; the renderer only translates. The
 * parameters are restricted to what is safe to show: a category and a district taken from a place label that
 * already passed disclosure (exposure + k-anonymity), a brand from a brand-level label, an hour band name
 * ("morning"), a district from the masked profile. Never a merchant name, an amount or a time.
 */
export interface ReasonExplanation {
  code: string;
  /** A key of the renderer's `preview` catalogue section. */
  key: string;
  params: { category?: string; district?: string; hourBand?: string; brand?: string };
}

/** The codes the preview explains in its own words; anything else is shown as the generic sentence. */
export const EXPLAINED_CODES = [
  'rare_shared_places',
  'shared_brands_categories',
  'may_have_met',
  'recent_shared_visits',
  'similar_spending',
  'same_district',
  'close_in_age',
  'mutual_overlap',
] as const;

/** A shared place after disclosure, with the hour bands in which both paid there (co-presence). */
export interface DisclosedShare {
  label: PlaceLabel;
  hourBands: string[];
}

function known(code: string): boolean {
  return (EXPLAINED_CODES as readonly string[]).includes(code);
}

function safeBand(band: string | undefined): string | undefined {
  return band !== undefined && isHourBand(band) ? band : undefined;
}

/**
 * One explanation per reason code, in the code order the engine gave. `shares` are the pair's shared places as
 * disclosed (withheld ones are simply absent), `district` the other user's district as their masked profile shows it.
 * "You may have crossed paths" is said only about a place the card may show: where every place they were at in the
 * same hour band is withheld, the reason is left out rather than hint at a place nobody may see.
 */
export function explainReasons(
  codes: readonly string[],
  shares: readonly DisclosedShare[],
  district: string | null,
): ReasonExplanation[] {
  const withCategory = shares.filter((s) => s.label.category !== null);
  return codes.flatMap((code): ReasonExplanation[] => {
    if (!known(code)) return [{ code, key: 'preview.reason.other', params: {} }];
    const generic: ReasonExplanation = { code, key: `preview.reason.${code}`, params: {} };
    switch (code) {
      case 'may_have_met': {
        const met = shares.find((s) => safeBand(s.hourBands[0]) !== undefined);
        const hourBand = safeBand(met?.hourBands[0]);
        if (!met || !hourBand) return [];
        const { category, district: where, brand } = met.label;
        if (category !== null && where !== null)
          return [{ code, key: 'preview.reason.may_have_met.full', params: { category, district: where, hourBand } }];
        if (category !== null)
          return [{ code, key: 'preview.reason.may_have_met.category', params: { category, hourBand } }];
        if (brand !== null) return [{ code, key: 'preview.reason.may_have_met.brand', params: { brand, hourBand } }];
        if (where !== null)
          return [{ code, key: 'preview.reason.may_have_met.district', params: { district: where, hourBand } }];
        return [];
      }
      case 'rare_shared_places': {
        const top = withCategory[0];
        if (top?.label.district)
          return [
            {
              code,
              key: 'preview.reason.rare_shared_places.full',
              params: { category: top.label.category!, district: top.label.district },
            },
          ];
        // Without a disclosed place to say it about, "the same little-known places" is left out: the engine gives this
        // code for the pair's rarest places, exactly the ones k-anonymity withholds, and the viewer knows which of
        // their own places are little-known — the generic sentence would point at a withheld place.
        return top
          ? [{ code, key: 'preview.reason.rare_shared_places.category', params: { category: top.label.category! } }]
          : [];
      }
      case 'shared_brands_categories': {
        const top = withCategory[0];
        return [
          top
            ? {
                code,
                key: 'preview.reason.shared_brands_categories.category',
                params: { category: top.label.category! },
              }
            : generic,
        ];
      }
      case 'same_district':
        return [district ? { code, key: 'preview.reason.same_district.district', params: { district } } : generic];
      default:
        return [generic];
    }
  });
}
