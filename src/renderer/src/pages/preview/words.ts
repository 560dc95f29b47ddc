import type { PlaceLabelView, ReasonExplanationView } from '../../../../shared/contract';
import { codeText } from '../../i18n/codes';
import type { MessageKey } from '../../i18n/catalogue';

type T = (key: MessageKey, params?: Record<string, string | number>) => string;

/** A category in words; one upstream invented has the generic word (never the raw code). */
export function categoryText(t: T, category: string): string {
  return codeText(t, 'category', category);
}

export function hourBandText(t: T, band: string): string {
  return codeText(t, 'hourBand', band);
}

/** "a coffee shop", "an online store" in English; the word as it is in Chinese. */
function withArticle(t: T, word: string): string {
  return t('preview.withArticle', { a: /^[aeiou]/i.test(word) ? 'an' : 'a', word });
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
    case 'category': {
      const category = categoryText(t, place.category ?? '');
      if (place.online || !place.district)
        return place.category === 'online_store'
          ? t('preview.place.onlineStore')
          : t('preview.place.onlineCategory', { category });
      return t('preview.place.categoryIn', { category, aCategory: withArticle(t, category), district: place.district });
    }
    case 'district':
      return t('preview.place.somewhereIn', { district: place.district ?? '' });
  }
}

/** A reason in plain words; parameters are translated codes (category, hour band) or names (district, brand). */
export function reasonText(t: T, reason: ReasonExplanationView): string {
  const params: Record<string, string> = {};
  if (reason.params.category) {
    params.category = categoryText(t, reason.params.category);
    params.aCategory = withArticle(t, params.category);
  }
  if (reason.params.hourBand) params.hourBand = hourBandText(t, reason.params.hourBand);
  if (reason.params.district) params.district = reason.params.district;
  if (reason.params.brand) params.brand = reason.params.brand;
  const key = reason.key as MessageKey;
  // A key this console does not have (main newer than the renderer) reads as the generic reason.
  const text = t(key, params);
  return text === key ? t('preview.reason.other') : text;
}
