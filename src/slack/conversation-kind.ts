/**
 * Where a slash command was run, from its payload: a channel, or a direct message or group DM between people. In
 * the latter ptbot cannot post (Slack answers `channel_not_found`), and approvers could not see a card there anyway.
 */

/**
 * True for a DM (`channel_name` "directmessage", an id starting with D) or a group DM (`channel_name` "mpdm-…"),
 * including the user's DM with ptbot itself: only the two of them see it.
 */
export function isDirectConversation(channelId: string, channelName: string | undefined): boolean {
  return (
    channelName === "directmessage" || channelName?.startsWith("mpdm-") === true || channelId.startsWith("D")
  );
}
