import { cleanup, configure } from '@testing-library/react';
import { afterEach } from 'vitest';

// Component tests run the real pages in happy-dom; each test's tree is unmounted after it (vitest has no globals
// here, so Testing Library cannot register this itself).
afterEach(() => cleanup());

// The pages talk to the real services, whose queue and item reads run on worker threads (main/jobs/review-reads.ts)
// that boot from TypeScript source on first use: the first answer can take longer than Testing Library's default
// second to arrive. A page that never gets it still fails, after this long.
configure({ asyncUtilTimeout: 10_000 });

// happy-dom lays nothing out, so every element would be 0 px high. An element's client height is here the height
// its inline style gives it — what a browser would measure for the queue's list, which has a fixed one — so a
// virtualised list shows the rows a browser would.
Object.defineProperty(HTMLElement.prototype, 'clientHeight', {
  configurable: true,
  get(this: HTMLElement): number {
    return Number.parseFloat(this.style.height) || 0;
  },
});
