import type { PlaceLabelView, ReasonExplanationView } from '../../../../shared/contract';
import type { MessageKey } from '../../i18n/catalogue';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A key the catalogue may not have (a category or code from upstream): the raw code when untranslated. */
function optional(t: T, key: string, fallback: string): string {
  const text = t(key as MessageKey);
  return text === key ? fallback : text;
}

export function categoryText(t: T, category: string): string {
  return optional(t, `preview.category.${category}`, category);
}

export function hourBandText(t: T, band: string): string {
  return optional(t, `preview.hourBand.${band}`, band);
}

/** A place label in words, using only the fields main let through for its level. */
export function placeText(t: T, place: PlaceLabelView): string {
  switch (place.level) {
    case 'place':
      return place.district
        ? `${place.name ?? ''} · ${place.district}`
        : `${place.name ?? ''} · ${t('preview.place.online')}`;
    case 'brand':
      return t('preview.place.brand', { brand: place.brand ?? '' });
    case 'category':
      return place.online || !place.district
        ? t('preview.place.onlineCategory', { category: categoryText(t, place.category ?? '') })
        : t('preview.place.categoryIn', { category: categoryText(t, place.category ?? ''), district: place.district });
    case 'district':
      return t('preview.place.somewhereIn', { district: place.district ?? '' });
  }
}

/** A reason in plain words; parameters are translated codes (category, hour band) or a district name. */
export function reasonText(t: T, reason: ReasonExplanationView): string {
  const params: Record<string, string> = {};
  if (reason.params.category) params.category = categoryText(t, reason.params.category);
  if (reason.params.hourBand) params.hourBand = hourBandText(t, reason.params.hourBand);
  if (reason.params.district) params.district = reason.params.district;
  return optional(t, reason.key, t('preview.reason.other')).replace(
    /\{(\w+)\}/g,
    (m, name: string) => params[name] ?? m,
  );
}
