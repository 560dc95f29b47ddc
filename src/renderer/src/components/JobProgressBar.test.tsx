import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { JobKind, JobProgress } from '../../../shared/progress';
import { I18nProvider } from '../i18n/I18nProvider';
import { JobProgressBar } from './JobProgressBar';

const show = (kind: JobKind, state: JobProgress['state'] = 'running') =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <I18nProvider>
        <JobProgressBar job={{ jobId: 'j1', kind, phase: 'starting', done: 1, total: 4, state }} testId="job" />
      </I18nProvider>
    </QueryClientProvider>,
  );

describe('JobProgressBar: cancel is offered where main can cancel', () => {
  it('offers it on a running import, match, detection or what-if cache build, not once it ended', () => {
    for (const kind of ['import', 'match', 'detect', 'tune'] as const) {
      const { unmount } = show(kind);
      expect(screen.getByTestId('job-cancel')).toBeTruthy();
      unmount();
    }
    show('import', 'completed');
    expect(screen.queryByTestId('job-cancel')).toBeNull();
  });
});
