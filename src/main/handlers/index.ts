import { appHandlers } from './app';
import { jobHandlers } from './jobs';
import { matchingHandlers } from './matching';
import { mirrorHandlers } from './mirror';
import { moderationHandlers } from './moderation';
import { operatorHandlers } from './operators';
import { previewHandlers } from './preview';
import type { HandlerTable } from './table';
import { tuningHandlers } from './tuning';

/** THE handler table: both adapters (IPC and HTTP) dispatch into it. */
export const handlers: HandlerTable = {
  ...appHandlers,
  ...jobHandlers,
  ...mirrorHandlers,
  ...moderationHandlers,
  ...previewHandlers,
  ...matchingHandlers,
  ...tuningHandlers,
  ...operatorHandlers,
};
