import type { SessionState } from '../../shared/contract';
import { withAudit } from '../audit/audit-log';
import { mirrorStatus } from '../mirror/status';
import type { ActiveSession } from '../operators/sessions';
import { changeOwnPassword, signIn } from '../operators/sign-in';
import type { CallContext } from './context';
import { anyone, withOperator, withSession } from './guards';
import type { Handlers } from './table';

function stateOf(ctx: CallContext, session: ActiveSession | null): SessionState {
  return {
    operator: session ? { name: session.name, role: session.role } : null,
    mustChangePassword: session?.mustChangePassword ?? false,
    idleSeconds: ctx.services.sessions.idleSeconds,
  };
}

export const appHandlers: Handlers<
  'session.get' | 'session.signIn' | 'session.signOut' | 'session.changePassword' | 'app.capabilities' | 'mirror.status'
> = {
  'app.capabilities': anyone((_input, ctx) => ({ desktop: ctx.services.desktop !== null })),
  // Reading who is signed in is not activity: it never keeps an idle session alive.
  'session.get': anyone((_input, ctx) => stateOf(ctx, ctx.session)),
  'session.signIn': anyone(async (input, ctx) => {
    const { services, caller } = ctx;
    const { token, session } = await signIn(
      services.db,
      services.sessions,
      input.name,
      input.password,
      caller.transport,
    );
    // The caller's earlier session (another operator in the same window or browser) ends here, not later.
    if (ctx.session) services.sessions.end(ctx.session.id, 'replaced', ctx.now);
    caller.keep(token);
    return stateOf(ctx, session);
  }),
  'session.signOut': anyone((_input, ctx) => {
    const session = ctx.session;
    ctx.caller.keep(null);
    if (!session) return { signedOut: false };
    withAudit(
      ctx.services.db,
      { operator: session.name, action: 'session.signOut' },
      () => ctx.services.sessions.end(session.id, 'signed out', ctx.now),
      () => ({ subject: String(session.id) }),
    );
    return { signedOut: true };
  }),
  'session.changePassword': withSession(async (input, ctx) => {
    await changeOwnPassword(ctx.services.db, ctx.session, input.currentPassword, input.newPassword, ctx.now);
    return stateOf(ctx, ctx.services.sessions.check(ctx.caller.token, ctx.now));
  }),
  'mirror.status': withOperator((_input, ctx) => {
    const { lastImport: _last, ...status } = mirrorStatus(ctx.services.db, ctx.services.dbPath);
    return status;
  }),
};
