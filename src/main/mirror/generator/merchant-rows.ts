import { CATEGORIES, CITY, type City, DISTRICTS } from './city';
import type { FaultInjector, FaultPlan } from './faults';
import type { ChunkedFile } from './output';

export const MERCHANTS_FAULTS: FaultPlan = { id: 'id', wrongType: ['price_level', '2'], missing: 'category' };

export function writeMerchants(out: ChunkedFile, city: City, faults: FaultInjector): void {
  for (let m = 0; m < city.count; m++) {
    const online = city.online[m] === 1;
    const row = {
      id: city.ids[m]!,
      name: city.names[m]!,
      brand: city.brands[m] ?? null,
      category: CATEGORIES[city.category[m]!]!,
      channel: online ? 'online' : 'offline',
      city: online ? null : CITY,
      district: online ? null : DISTRICTS[city.district[m]!]!.name,
      lat: online ? null : city.lat[m]!,
      lon: online ? null : city.lon[m]!,
      price_level: city.priceLevel[m]!,
    };
    const line = JSON.stringify(row);
    out.row(line);
    if (faults.hit()) out.row(faults.jsonl(out.name, MERCHANTS_FAULTS, row, line));
  }
}
