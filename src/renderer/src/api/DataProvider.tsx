import { type QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useJobFeed } from './jobs';
import { createQueryClient } from './queries';

function JobFeed({ client }: { client: QueryClient }) {
  useJobFeed(client);
  return null;
}

/** The renderer's data: one query cache for the console, kept in step with main's job reports. */
export function DataProvider({ client, children }: { client?: QueryClient; children: ReactNode }) {
  const [own] = useState(() => client ?? createQueryClient());
  return (
    <QueryClientProvider client={own}>
      <JobFeed client={own} />
      {children}
    </QueryClientProvider>
  );
}
