import { merchantIds } from './ids';
import { type Rng, WeightedSampler } from './random';

/**
 * A believable city: twelve districts, chains with many outlets, independent shops whose popularity follows
 * Zipf's law (a few busy, a long quiet tail), and online brand stores without a place.
 */
export const CITY = '杭州市';

export interface District {
  name: string;
  lat: number;
  lon: number;
  /** Relative share of residents. */
  residents: number;
  /** Relative share of workplaces (offices cluster in a few districts). */
  jobs: number;
}

export const DISTRICTS: readonly District[] = [
  { name: '上城区', lat: 30.2425, lon: 120.1712, residents: 10, jobs: 15 },
  { name: '拱墅区', lat: 30.3192, lon: 120.1418, residents: 11, jobs: 10 },
  { name: '西湖区', lat: 30.2592, lon: 120.13, residents: 12, jobs: 15 },
  { name: '滨江区', lat: 30.2084, lon: 120.2119, residents: 8, jobs: 17 },
  { name: '萧山区', lat: 30.1838, lon: 120.2645, residents: 13, jobs: 8 },
  { name: '余杭区', lat: 30.274, lon: 119.999, residents: 13, jobs: 14 },
  { name: '临平区', lat: 30.421, lon: 120.299, residents: 8, jobs: 5 },
  { name: '钱塘区', lat: 30.303, lon: 120.493, residents: 7, jobs: 7 },
  { name: '富阳区', lat: 30.049, lon: 119.96, residents: 7, jobs: 3 },
  { name: '临安区', lat: 30.234, lon: 119.725, residents: 6, jobs: 3 },
  { name: '桐庐县', lat: 29.797, lon: 119.691, residents: 3, jobs: 2 },
  { name: '淳安县', lat: 29.609, lon: 119.042, residents: 2, jobs: 1 },
];

export const CATEGORIES = [
  'convenience',
  'coffee',
  'restaurant',
  'gym',
  'bookstore',
  'cinema',
  'supermarket',
  'online_store',
] as const;
export type Category = (typeof CATEGORIES)[number];
export const CAT = {
  convenience: 0,
  coffee: 1,
  restaurant: 2,
  gym: 3,
  bookstore: 4,
  cinema: 5,
  supermarket: 6,
  online_store: 7,
} as const;
const OFFLINE_CATEGORIES = 7;

/** Share of offline merchants per category, the share of those that are chain outlets, and price levels. */
const CATEGORY_MIX: readonly { share: number; chainShare: number; levels: readonly number[]; basePrice: number }[] = [
  { share: 0.15, chainShare: 0.7, levels: [1], basePrice: 1500 },
  { share: 0.14, chainShare: 0.5, levels: [2, 2, 3], basePrice: 3000 },
  { share: 0.47, chainShare: 0.2, levels: [1, 1, 2, 2, 2, 3, 4], basePrice: 3500 },
  { share: 0.07, chainShare: 0.4, levels: [2, 3], basePrice: 6000 },
  { share: 0.05, chainShare: 0.3, levels: [2], basePrice: 6500 },
  { share: 0.03, chainShare: 0.9, levels: [2, 3], basePrice: 8000 },
  { share: 0.09, chainShare: 0.8, levels: [1, 2], basePrice: 12000 },
];

const CHAINS: readonly (readonly string[])[] = [
  ['全家', '罗森', '美宜佳', '7-Eleven', '便利蜂', '好德'],
  ['星巴克', '瑞幸咖啡', 'Manner', 'Tims天好咖啡', '库迪咖啡'],
  ['麦当劳', '肯德基', '海底捞', '西贝莜面村', '外婆家', '绿茶餐厅', '必胜客', '新白鹿', '老娘舅', '和府捞面'],
  ['乐刻运动', '超级猩猩', '威尔仕健身', '一兆韦德'],
  ['西西弗书店', '新华书店', '钟书阁'],
  ['万达影城', 'CGV影城', '横店电影城', '百老汇影城', '博纳国际影城'],
  ['盒马鲜生', '永辉超市', '华润万家', '物美超市', '世纪联华', '山姆会员店'],
];

const STREETS = [
  '文三路',
  '教工路',
  '学院路',
  '天目山路',
  '延安路',
  '庆春路',
  '解放路',
  '武林路',
  '凤起路',
  '莫干山路',
  '江南大道',
  '滨盛路',
  '网商路',
  '丰潭路',
  '古墩路',
  '文一西路',
  '余杭塘路',
  '金城路',
  '市心路',
  '建设一路',
  '东新路',
  '石祥路',
  '秋涛路',
  '钱江路',
  '之江路',
  '转塘街',
  '良渚路',
  '临平大道',
  '富春街',
  '衣锦街',
];
const INDIE_WORDS = [
  '小满',
  '拾光',
  '半山',
  '木子',
  '青柠',
  '云朵',
  '南巷',
  '栖息',
  '慢慢',
  '隔壁',
  '老街',
  '一隅',
  '白鹿',
  '初见',
  '晚风',
  '月亮湾',
  '小岛',
  '麦田',
  '橘子',
  '山茶',
  '阿婆',
  '老李',
  '胖哥',
  '巷口',
  '西岭',
  '知味',
];
const INDIE_SUFFIX: readonly (readonly string[])[] = [
  ['便利店', '小卖部', '超市'],
  ['咖啡', '咖啡馆', 'Coffee', '咖啡工作室'],
  ['小馆', '面馆', '饭店', '小炒', '私房菜', '烧烤', '火锅', '米粉', '食堂'],
  ['健身工作室', '瑜伽馆', '拳击馆', '攀岩馆', '普拉提'],
  ['书店', '书房', '独立书店'],
  ['影院', '艺术影院'],
  ['生鲜超市', '菜场超市'],
];
const ONLINE_BRANDS = [
  '优衣库',
  '小米',
  '三只松鼠',
  '良品铺子',
  '李宁',
  '安踏',
  '花西子',
  '完美日记',
  '网易严选',
  '名创优品',
  '元气森林',
  '农夫山泉',
  '蕉下',
  '泡泡玛特',
  '大疆',
  '华为',
  '得物',
  'Lululemon',
  '耐克',
  '阿迪达斯',
  '认养一头牛',
  '王饱饱',
  '钟薛高',
  '百草味',
  '喜茶',
  '瑞幸咖啡',
  '星巴克',
  '盒马鲜生',
  '西西弗书店',
  '当当',
  '京东自营',
  '天猫超市',
];
const ONLINE_SUFFIX = ['官方旗舰店', '天猫旗舰店', '京东自营店', '小程序商城', '抖音旗舰店'];

/** Every merchant in column arrays (indexed by merchant number); ids are 10-digit strings (ids.ts). */
export interface City {
  count: number;
  ids: string[];
  names: string[];
  brands: (string | null)[];
  category: Uint8Array;
  online: Uint8Array;
  /** District index, -1 for online stores. */
  district: Int8Array;
  lat: Float64Array;
  lon: Float64Array;
  priceLevel: Uint8Array;
  /** Typical ticket in fen. */
  basePrice: Int32Array;
  /** Relative popularity among merchants of its district and category. */
  popularity: Float64Array;
  /** Quiet independent places in the Zipf tail: where kindred pairs meet. */
  quiet: Uint8Array;
  /** Offline merchants of [district][category], with a popularity sampler. */
  local: { members: Int32Array; sampler: WeightedSampler }[][];
  onlineStores: { members: Int32Array; sampler: WeightedSampler };
  /** Any offline merchant of the city by popularity (for occasional visits elsewhere). */
  anywhere: { members: Int32Array; sampler: WeightedSampler };
}

/**
 * Shops do not grow one for one with a city's users: a city of 100,000 consenting users has about 5,000 offline
 * merchants (../shared/DATA-FORMAT.md, "Sizes to plan for"), a province of ten times the users about 7× the shops,
 * so the popular places get denser as the city grows. Online brands are national: their number barely grows.
 */
export function merchantCounts(users: number): { offline: number; online: number } {
  return {
    offline: Math.max(600, Math.round(5000 * Math.pow(users / 100_000, 0.85))),
    online: Math.min(400, Math.max(40, Math.round(200 * Math.pow(users / 100_000, 0.3)))),
  };
}

export function buildCity(users: number, rng: Rng, idRng: Rng): City {
  const { offline, online } = merchantCounts(users);
  const count = offline + online;
  const city: City = {
    count,
    ids: new Array<string>(count),
    names: new Array<string>(count),
    brands: new Array<string | null>(count),
    category: new Uint8Array(count),
    online: new Uint8Array(count),
    district: new Int8Array(count),
    lat: new Float64Array(count),
    lon: new Float64Array(count),
    priceLevel: new Uint8Array(count),
    basePrice: new Int32Array(count),
    popularity: new Float64Array(count),
    quiet: new Uint8Array(count),
    local: [],
    onlineStores: { members: new Int32Array(0), sampler: new WeightedSampler([]) },
    anywhere: { members: new Int32Array(0), sampler: new WeightedSampler([]) },
  };
  const ids = merchantIds(count, idRng);
  const districtWeights = DISTRICTS.map((d) => d.residents + d.jobs);
  const districtSampler = new WeightedSampler(districtWeights);
  const categorySampler = new WeightedSampler(CATEGORY_MIX.map((c) => c.share));
  const groups: number[][][] = DISTRICTS.map(() => Array.from({ length: OFFLINE_CATEGORIES }, () => []));
  const usedNames = new Set<string>();

  for (let m = 0; m < offline; m++) {
    city.ids[m] = ids[m]!;
    const d = districtSampler.draw(rng);
    const c = categorySampler.draw(rng);
    const mix = CATEGORY_MIX[c]!;
    const district = DISTRICTS[d]!;
    const street = rng.pick(STREETS);
    const chain = rng.chance(mix.chainShare);
    let name: string;
    if (chain) {
      const brand = rng.pick(CHAINS[c]!);
      city.brands[m] = brand;
      name = `${brand}(${street}店)`;
      for (let k = 2; usedNames.has(name); k++) name = `${brand}(${street}${k}号店)`;
    } else {
      city.brands[m] = null;
      name = `${rng.pick(INDIE_WORDS)}${rng.pick(INDIE_SUFFIX[c]!)}`;
      if (usedNames.has(name)) name = `${name}(${street}店)`;
      for (let k = 2; usedNames.has(name); k++)
        name = `${rng.pick(INDIE_WORDS)}${rng.pick(INDIE_SUFFIX[c]!)}·${street}${k}号`;
    }
    usedNames.add(name);
    city.names[m] = name;
    city.category[m] = c;
    city.district[m] = d;
    city.lat[m] = Math.round((district.lat + rng.gauss() * 0.02) * 1e6) / 1e6;
    city.lon[m] = Math.round((district.lon + rng.gauss() * 0.025) * 1e6) / 1e6;
    const level = rng.pick(mix.levels);
    city.priceLevel[m] = level;
    city.basePrice[m] = Math.round((mix.basePrice * (0.6 + 0.45 * level) * (0.8 + 0.4 * rng.next())) / 100) * 100;
    groups[d]![c]!.push(m);
  }

  // Popularity: chain outlets are steadily busy; independents follow Zipf within their district and category.
  city.local = groups.map((byCategory) =>
    byCategory.map((members) => {
      const indies = rng.shuffle(members.filter((m) => city.brands[m] === null));
      indies.forEach((m, rank) => {
        city.popularity[m] = 4 / Math.pow(rank + 1, 1.1);
        // The tail: a small café or studio known to a few regulars.
        if (rank >= Math.max(1, Math.floor(indies.length * 0.4))) {
          city.quiet[m] = 1;
          city.popularity[m]! *= 0.25;
        }
      });
      for (const m of members) if (city.brands[m] !== null) city.popularity[m] = 2.5 + 2 * rng.next();
      const ids = Int32Array.from(members);
      return { members: ids, sampler: new WeightedSampler(Array.from(ids, (m) => city.popularity[m]!)) };
    }),
  );

  const onlineIds: number[] = [];
  for (let k = 0; k < online; k++) {
    const m = offline + k;
    city.ids[m] = ids[m]!;
    const brand =
      k < ONLINE_BRANDS.length
        ? ONLINE_BRANDS[k]!
        : `${rng.pick(INDIE_WORDS)}${rng.pick(['家居', '零食', '美妆', '服饰', '数码', '茶叶', '宠物'])}`;
    let name = `${brand}${rng.pick(ONLINE_SUFFIX)}`;
    for (let n = 2; usedNames.has(name); n++) name = `${brand}${rng.pick(ONLINE_SUFFIX)}${n}`;
    usedNames.add(name);
    city.names[m] = name;
    city.brands[m] = brand;
    city.category[m] = CAT.online_store;
    city.online[m] = 1;
    city.district[m] = -1;
    city.priceLevel[m] = rng.range(1, 4);
    city.basePrice[m] = Math.round((3000 + rng.int(20000)) / 100) * 100;
    city.popularity[m] = 10 / Math.pow(k + 1, 0.9);
    onlineIds.push(m);
  }
  city.onlineStores = {
    members: Int32Array.from(onlineIds),
    sampler: new WeightedSampler(onlineIds.map((m) => city.popularity[m]!)),
  };
  const everywhere = Array.from({ length: offline }, (_, m) => m).filter((m) => city.category[m] !== CAT.supermarket);
  city.anywhere = {
    members: Int32Array.from(everywhere),
    sampler: new WeightedSampler(everywhere.map((m) => city.popularity[m]!)),
  };
  return city;
}

/** A merchant of `category` in `district` by popularity; -1 if the district has none. */
export function drawLocal(city: City, district: number, category: number, rng: Rng): number {
  const group = city.local[district]![category]!;
  const k = group.sampler.draw(rng);
  return k < 0 ? -1 : group.members[k]!;
}
