import { z } from 'zod';

/**
 * Live updates (GET /api/v1/live, server-sent events). A message names only WHAT kind of data
 * changed in the session's workspace — never an id, a name or a value. The web app answers by
 * refetching through the ordinary, authorized endpoints, so nothing sensitive rides on the stream
 * and nothing on it can bypass authorization. See docs/decisions/0010-live-updates-sse-and-notify.md.
 */
export const LiveTopicSchema = z.enum(['partnerships', 'accounts', 'access-requests', 'activity', 'members', 'local-partners', 'native-partners']);
export type LiveTopic = z.infer<typeof LiveTopicSchema>;

/** The `data:` of an `event: change` message. */
export const LiveChangeMessageSchema = z.object({
  topics: z.array(LiveTopicSchema).min(1).max(LiveTopicSchema.options.length),
});
export type LiveChangeMessage = z.infer<typeof LiveChangeMessageSchema>;

/** SSE event names the stream sends. */
export const LIVE_EVENT_READY = 'ready';
export const LIVE_EVENT_CHANGE = 'change';
