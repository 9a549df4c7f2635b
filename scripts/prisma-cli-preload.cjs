// Loaded into the Prisma CLI by scripts/prisma.mjs (`node --require`).
//
// Prisma 6.19's schema engine runs as WebAssembly, which starts a 10-second timer as the timeout of its
// work and never clears it (it has no clearTimeout import). After a successful `migrate deploy` that timer
// was the only thing keeping the process alive: the command sat idle for 10 s after its last migration,
// on every `npm run dev`, test run and e2e start. Timers started from the WebAssembly are unref'd here:
// they still fire while the CLI runs, but no longer keep a finished CLI from exiting. Database work in
// flight keeps the process alive through its socket, as any pending I/O does.
"use strict";

const originalSetTimeout = globalThis.setTimeout;
globalThis.setTimeout = function setTimeoutFromPrismaCli(...args) {
  const timer = originalSetTimeout.apply(this, args);
  if (new Error().stack?.includes("wasm://")) timer.unref?.();
  return timer;
};
