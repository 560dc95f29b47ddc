import type { MaskedText } from '../../../../shared/contract';
import { useI18n } from '../../i18n/I18nProvider';
import { handleKey, markKey } from './words';

/** A masked text with the kinds of contact handle found in it, as badges ("WeChat handle, obfuscated"). */
export function Masked({ value }: { value: MaskedText }) {
  const { t } = useI18n();
  return (
    <span className="mod-text">
      {value.handles.map((h, i) => (
        <span key={i} className="mod-badge warn" data-testid="handle-hint" data-kind={h.kind}>
          {h.obfuscated ? t('moderation.handle.obfuscated', { kind: t(handleKey(h)) }) : t(handleKey(h))}
        </span>
      ))}
      <span className="mono">
        {value.text === ''
          ? '—'
          : value.text.split(/(⟦[a-z]+⟧)/).map((part, i) =>
              /^⟦[a-z]+⟧$/.test(part) ? (
                <span key={i} className="mod-mark" data-testid="masked-mark" data-kind={part.slice(1, -1)}>
                  {t(markKey(part.slice(1, -1)))}
                </span>
              ) : (
                part
              ),
            )}
      </span>
    </span>
  );
}
