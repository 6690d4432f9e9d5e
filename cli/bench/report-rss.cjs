// Preloaded (NODE_OPTIONS) into every benchmarked process, npm included: on exit, its peak
// resident set size and the CPU time it used (user + system), which machine load moves far less
// than wall time.
process.on("exit", () => {
  const cpu = process.cpuUsage();
  process.stderr.write(`\nBENCH_MAX_RSS_KB ${process.resourceUsage().maxRSS}\nBENCH_CPU_US ${cpu.user + cpu.system}\n`);
});
