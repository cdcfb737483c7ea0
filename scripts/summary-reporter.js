// Ends the test output with the slowest files, the suite's wall time and one plain line,
// "N passed, N failed, N skipped", that any CI can read (it must stay the last line).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numRuntimeErrorTestSuites: broken } = results;
    const seconds = Math.round((Date.now() - results.startTime) / 1000);
    const slowest = results.testResults
      .map((file) => ({ file: file.testFilePath.replace(`${process.cwd()}/`, ''), ms: file.perfStats.end - file.perfStats.start }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 12);
    process.stdout.write('\nslowest test files:\n');
    for (const { file, ms } of slowest) process.stdout.write(`  ${(ms / 1000).toFixed(1).padStart(6)} s  ${file}\n`);
    process.stdout.write(`\njest wall time: ${Math.floor(seconds / 60)} min ${seconds % 60} s (${results.numTotalTestSuites} files)\n`);
    process.stdout.write(`jest: ${passed} passed, ${failed + broken} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
