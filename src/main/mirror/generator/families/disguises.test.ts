import { describe, expect, it } from 'vitest';
import { hasContactHandle } from '../../../contact-handles/find';
import { maskHandlesInText } from '../../../contact-handles/mask';
import { Rng } from '../random';
import { DISGUISES, disguise, newContact } from './disguises';

/** Every way the generator disguises a contact is one the recogniser sees through and the masking hides. */
describe('generated disguises', () => {
  it.each(DISGUISES)('%s: found, and neither the id nor the number survives masking', (style) => {
    const rng = new Rng(7);
    for (let k = 0; k < 200; k++) {
      const c = newContact(rng);
      const text = `你好～${disguise(c, style, rng)} 详聊`;
      expect(hasContactHandle(text), text).toBe(true);
      const masked = maskHandlesInText(text).text.toLowerCase();
      for (const secret of [c.phone, c.chatId.toLowerCase(), c.qq]) expect(masked, text).not.toContain(secret);
      expect(masked, text).not.toMatch(/\d{5,}/);
    }
  });
});
