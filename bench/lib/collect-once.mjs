// Runs collect() once in a process of its own, plain Node on the built code as `snapshot-doctor collect` runs, and reports its wall time and CPU to the bench that forked it.
// Plain JavaScript on purpose: under tsx, Node's loader hooks and the worker thread's own copy of tsx cost the collector CPU that users never pay.
const entry = new URL(process.env.SD_BENCH_SRC ? '../../src/collect/index.js' : '../../dist/src/collect/index.js', import.meta.url);
const { collect } = await import(entry.href);

process.once('message', async ({ kubeconfig, output, concurrency }) => {
  try {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    const result = await collect({ kubeconfig, output, concurrency });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    const { collected, errors, requests } = result.manifest;
    process.send({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, collected, errors, requests }, () => process.exit(0));
  } catch (error) {
    process.send({ error: error instanceof Error ? (error.stack ?? error.message) : String(error) }, () => process.exit(1));
  }
});
process.send({ ready: true });
