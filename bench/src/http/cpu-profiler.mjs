// Preloaded into a server under test (NODE_OPTIONS=--import .../cpu-profiler.mjs; Node 20 refuses
// --cpu-prof in NODE_OPTIONS). The V8 CPU profiler (the one behind --cpu-prof) starts on the first
// SIGUSR2 and stops on the next, writing a .cpuprofile to $BENCH_CPU_PROFILE: the profile covers the
// load window only, not start-up or seeding.
import fs from "node:fs";
import inspector from "node:inspector";

const file = process.env.BENCH_CPU_PROFILE;
if (file) {
  const session = new inspector.Session();
  session.connect();
  let running = false;
  process.on("SIGUSR2", () => {
    if (!running) {
      running = true;
      session.post("Profiler.enable", () =>
        session.post("Profiler.setSamplingInterval", { interval: 1000 }, () => session.post("Profiler.start")),
      );
      return;
    }
    running = false;
    session.post("Profiler.stop", (error, result) => {
      if (error) {
        console.error(`[cpu-profiler] ${error.message}`);
        return;
      }
      fs.writeFileSync(`${file}.tmp`, JSON.stringify(result.profile));
      fs.renameSync(`${file}.tmp`, file);
    });
  });
}
