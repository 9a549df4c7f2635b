import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

// zod comes from lib/zod.ts, which runs it jitless in the browser (the CSP forbids the eval it probes for)
const zodImport = { name: "zod", message: "Import { z } from \"@/lib/zod\": it runs zod jitless in the browser, where the CSP forbids eval." };

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: [".next/**", "node_modules/**", "lib/generated/**", ".data/**", "test-results/**", "playwright-report/**", "bench/results/**", "next-env.d.ts"],
  },
  {
    rules: {
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/ban-ts-comment": "error",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
  {
    // every value that reaches SQL is a bound parameter: tagged templates ($queryRaw`…${v}`, Prisma.sql)
    // bind what they interpolate; SQL text is never built from strings
    files: ["lib/**/*.{ts,tsx}", "app/**/*.{ts,tsx}", "components/**/*.{ts,tsx}", "scripts/**/*.ts"],
    rules: {
      "no-restricted-syntax": ["error",
        { selector: "CallExpression[callee.property.name=/^\\$(query|execute)RawUnsafe$/]", message: "SQL text built from strings: use a tagged $queryRaw`…` / Prisma.sql`…` so values are bound." },
        { selector: "MemberExpression[object.name=/^(Prisma|sql)$/][property.name='raw']", message: "Prisma.raw puts text into SQL unbound: use Prisma.sql`…` (values) or a fixed fragment." },
        { selector: "CallExpression[callee.property.name=/^\\$(query|execute)Raw$/][arguments.0.type=/^(Literal|TemplateLiteral|BinaryExpression)$/]", message: "A raw query called with a plain or concatenated string: use the tagged form $queryRaw`…`." },
      ],
    },
  },
  {
    files: ["**/*.{ts,tsx,mjs,js}"],
    ignores: ["lib/zod.ts"],
    rules: { "no-restricted-imports": ["error", { paths: [zodImport] }] },
  },
  {
    // the domain is plain TypeScript: no Next.js, React or server-only imports
    files: ["lib/marketing/**"],
    rules: {
      "no-restricted-imports": ["error", { paths: [zodImport], patterns: ["next", "next/*", "react", "react-dom", "server-only", "@/lib/env", "@/lib/db"] }],
    },
  },
  {
    // one direction: lib/whatsapp is the transport and never imports the domain (it takes callbacks)
    files: ["lib/whatsapp/**"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [zodImport],
        patterns: [
          { group: ["next", "next/*", "react", "react-dom", "server-only", "@/lib/env", "@/lib/db"], message: "The transport is plain TypeScript: it receives what it depends on." },
          { group: ["@/lib/marketing", "@/lib/marketing/*", "**/marketing/*", "../marketing", "../../marketing"], message: "lib/whatsapp is the transport: it never imports lib/marketing (pass a callback instead)." },
        ],
      }],
    },
  },
  {
    // components get their data as props: they never read the database or the server adapters
    files: ["components/**"],
    rules: {
      "no-restricted-imports": ["error", {
        paths: [zodImport],
        patterns: [{ group: ["@/lib/db", "@/lib/server", "@/lib/server/*", "**/lib/db", "**/lib/server/*"], message: "Components get data as props: load it in the page or action (no lib/db, no lib/server)." }],
      }],
    },
  },
];

export default config;
