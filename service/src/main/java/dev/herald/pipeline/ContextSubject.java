package dev.herald.pipeline;

import java.util.UUID;

/**
 * What a notification context is assembled from and cached under: the organization, the subject (an incident or an
 * intel request) and the work unit's fingerprint (null: the subject stands for it). Every unit of one subject and
 * event shares it, whichever contact it is for. Immutable.
 */
record ContextSubject(UUID organizationId, String subjectType, UUID subjectId, String fingerprint) {}
