import { describe, expect, it } from 'vitest';
import { DomainError } from '../shared/envelope';
import { CheckedJson, checkReply } from './checked-reply';

describe('checked replies', () => {
  it('keeps only the fields the contract names, on the thread that writes the reply', () => {
    const json = CheckedJson.write('moderation.release', { released: true, phone: '13800138000' });
    expect(json).toBe('{"released":true}');
    expect(CheckedJson.written('moderation.release', json).value()).toEqual({ released: true });
  });

  it('refuses a reply that breaks the contract as INTERNAL, naming where, quoting nothing of it', () => {
    const broken = () => CheckedJson.write('moderation.release', { released: '13800138000' });
    expect(broken).toThrow(DomainError);
    expect(broken).toThrow(/^moderation\.release: the reply does not match the contract at released: /);
    expect(broken).not.toThrow(/13800138000/);
    expect(() => checkReply('moderation.release', { released: 1 })).toThrow(
      expect.objectContaining({ code: 'INTERNAL' }) as Error,
    );
  });
});
