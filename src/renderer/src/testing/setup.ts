import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

// Component tests run the real pages in happy-dom; each test's tree is unmounted after it (vitest has no globals
// here, so Testing Library cannot register this itself).
afterEach(() => cleanup());
