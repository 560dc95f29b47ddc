import { mirrorStatus } from '../mirror/status';
import type { Handlers } from './table';

export const appHandlers: Handlers<'session.get' | 'session.signIn' | 'app.capabilities' | 'mirror.status'> = {
  'app.capabilities': (_input, services) => ({ desktop: services.desktop !== null }),
  'session.get': (_input, services) => ({ operator: services.session.operator }),
  'session.signIn': (input, services) => {
    services.session.operator = { name: input.name, role: input.role };
    return { operator: services.session.operator };
  },
  'mirror.status': (_input, services) => {
    const { lastImport: _last, ...status } = mirrorStatus(services.db, services.dbPath);
    return status;
  },
};
