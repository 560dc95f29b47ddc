import { isoLocal, type WindowCalendar } from './calendar';
import { CITY, DISTRICTS } from './city';
import type { FaultInjector, FaultPlan } from './faults';
import type { ChunkedFile } from './output';
import { FAMILY_INDEX, GENDER, type Population, ROLE, ROLE_LABEL, SEEKING, STATUS } from './population';
import type { Rng } from './random';

const NICK_HEADS = ['小', '阿', '大', '老', '', '', '', ''];
const NICK_BODIES = [
  '鱼',
  '杰',
  '晴天',
  '木木',
  '七七',
  '橙子',
  '可乐',
  '西瓜',
  '猫',
  '星星',
  '阿飞',
  '小白',
  '果果',
  '安安',
  '糖糖',
  '大熊',
  '一一',
  '十三',
  'Momo',
  'Kiki',
  'Leo',
  'Amy',
  'Jack',
  '夏天',
  '山风',
  '南风',
  '路人甲',
  '加菲',
  '豆豆',
  '乐乐',
];
const NICK_TAILS = ['', '', '', '', '_', '酱', '同学', '呀', '🌙', '2022', '88', '的日常', '不吃香菜'];
const SURNAMES = [
  '王',
  '李',
  '张',
  '刘',
  '陈',
  '杨',
  '黄',
  '赵',
  '吴',
  '周',
  '徐',
  '孙',
  '马',
  '朱',
  '胡',
  '郭',
  '何',
  '林',
  '高',
  '罗',
  '郑',
  '沈',
  '钱',
  '蒋',
];
const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '洋',
  '艳',
  '勇',
  '军',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '秀英',
  '霞',
  '平',
  '刚',
  '桂英',
  '浩然',
  '子涵',
  '欣怡',
  '梓轩',
  '雨桐',
  '宇航',
  '思远',
  '佳琪',
  '晨曦',
  '一鸣',
  '若曦',
  '嘉怡',
];

export const USERS_FAULTS: FaultPlan = {
  id: 'id',
  wrongType: ['birth_year', '1990'],
  missing: 'gender',
  tooLong: ['nickname', 40],
  time: 'registered_at',
};
export const CONSENTS_FAULTS: FaultPlan = {
  wrongType: ['revoked_at', true],
  missing: 'granted_at',
  reference: 'user_id',
  time: 'granted_at',
};

export function writeUsers(out: ChunkedFile, p: Population, rng: Rng, faults: FaultInjector): void {
  for (let i = 0; i < p.count; i++) {
    const verified = p.verified[i] === 1;
    const row = {
      id: p.ids[i]!,
      nickname: `${rng.pick(NICK_HEADS)}${rng.pick(NICK_BODIES)}${rng.pick(NICK_TAILS)}`,
      real_name: verified || rng.chance(0.3) ? `${rng.pick(SURNAMES)}${rng.pick(GIVEN)}` : null,
      phone: rng.chance(0.85)
        ? `1${rng.pick(['3', '5', '7', '8', '9'])}${String(rng.int(1e9)).padStart(9, '0')}`
        : null,
      id_verified: verified,
      gender: GENDER[p.gender[i]!]!,
      seeking: SEEKING[p.seeking[i]!]!,
      birth_year: p.birthYear[i]!,
      city: CITY,
      district: rng.chance(0.95) ? DISTRICTS[p.home[i]!]!.name : null,
      registered_at: isoLocal(p.registeredAt[i]!),
      status: STATUS[p.status[i]!]!,
    };
    const line = JSON.stringify(row);
    out.row(line);
    if (faults.hit()) out.row(faults.jsonl(out.name, USERS_FAULTS, row, line));
  }
}

/** Consent history: the latest granted_at decides; some re-granted after a revoke, some revoked for good. */
export function writeConsents(
  out: ChunkedFile,
  p: Population,
  calendar: WindowCalendar,
  rng: Rng,
  faults: FaultInjector,
): void {
  const last = calendar.end - 86400;
  const emit = (user: string, granted: number, revoked: number | null): void => {
    const row = {
      user_id: user,
      feature: 'meet_similar',
      granted_at: isoLocal(granted),
      revoked_at: revoked === null ? null : isoLocal(revoked),
    };
    const line = JSON.stringify(row);
    out.row(line);
    if (faults.hit()) out.row(faults.jsonl(out.name, CONSENTS_FAULTS, row, line));
  };
  for (let i = 0; i < p.count; i++) {
    const reg = p.registeredAt[i]!;
    const span = Math.max(3600, last - reg);
    const granted = reg + 600 + Math.floor(rng.next() * span * 0.8);
    if (p.consenting[i]) {
      if (rng.chance(0.12)) {
        // Granted, revoked, granted again: the latest grant decides.
        const firstGrant = reg + 300;
        emit(p.ids[i]!, firstGrant, firstGrant + Math.floor((granted - firstGrant) * 0.5) + 60);
      }
      emit(p.ids[i]!, granted, null);
    } else if (rng.chance(0.45)) {
      emit(p.ids[i]!, granted, granted + 3600 + Math.floor(rng.next() * Math.max(3600, last - granted - 3600)));
    }
  }
}

/**
 * Ground truth: one line per user (normal users included) with its behaviour family; kindred members name their
 * partner.
 */
export function writeLabels(out: ChunkedFile, p: Population): Record<string, number> {
  const counts: Record<string, number> = { normal: 0, micro_seller: 0, spammer: 0, kindred: 0 };
  for (let i = 0; i < p.count; i++) {
    const label = ROLE_LABEL[p.role[i]!]!;
    counts[label]!++;
    const family = FAMILY_INDEX[p.family[i]!]!;
    out.row(
      p.role[i] === ROLE.kindred
        ? JSON.stringify({ user_id: p.ids[i], label, partner_id: p.ids[p.partner[i]!], family })
        : JSON.stringify({ user_id: p.ids[i], label, family }),
    );
  }
  return counts;
}
