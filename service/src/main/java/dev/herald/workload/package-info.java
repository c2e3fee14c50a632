/**
 * The deterministic reference workload (one organization shaped like the one in the SLA analysis: about 3,000
 * current incidents, a dependency graph with chains, diamonds and cycles) for {@code seed}, the demo, benchmarks and
 * tests.
 */
package dev.herald.workload;
