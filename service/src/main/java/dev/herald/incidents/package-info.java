/**
 * Incident records: incidents, utility outages and internet outages (their tables, validation, and routes
 * {@code POST/PATCH/GET /incidents}, {@code POST /outages}, {@code POST /internet-outages}). The current-incidents view
 * built from them lives in {@code current}.
 */
package dev.herald.incidents;
