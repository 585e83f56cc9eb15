/**
 * The demo target site's one user (demo-site/). The demo seed imports these same values to create
 * the "Demo Analytics" account in Acme, so Log in through the extension works out of the box.
 * Demo values only: they protect nothing.
 */
export const DEMO_SITE_USERNAME = 'demo@analytics.test';
export const DEMO_SITE_PASSWORD = 'Demo-Analytics-2026!';
/** Base32 TOTP secret (RFC 6238 defaults: SHA-1, 6 digits, 30 s). */
export const DEMO_SITE_TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
