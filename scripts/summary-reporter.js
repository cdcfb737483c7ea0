// Ends the test output with the suite's wall time and one plain line, "N passed, N failed, N skipped",
// that any CI can read (it must stay the last line).
class SummaryReporter {
  onRunComplete(_contexts, results) {
    const { numPassedTests: passed, numFailedTests: failed, numPendingTests: skipped, numRuntimeErrorTestSuites: broken } = results;
    const seconds = Math.round((Date.now() - results.startTime) / 1000);
    process.stdout.write(`\njest wall time: ${Math.floor(seconds / 60)} min ${seconds % 60} s (${results.numTotalTestSuites} files)\n`);
    process.stdout.write(`jest: ${passed} passed, ${failed + broken} failed, ${skipped} skipped\n`);
  }
}
module.exports = SummaryReporter;
