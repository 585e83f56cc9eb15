/** Same value as EXTENSION_PRESENCE_ATTRIBUTE in shared/src/devices.ts (a unit test keeps them equal). */
export const PRESENCE_ATTRIBUTE = 'latchkeyExtension';
