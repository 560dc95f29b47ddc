/**
 * The one Content-Security-Policy for the renderer, in Electron and in the browser: only the app's own bundled
 * scripts and styles, no inline scripts, no remote origins, no plugins, no framing. `connect-src 'self'` lets the
 * web adapter's client reach its own loopback origin (and nothing else).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
