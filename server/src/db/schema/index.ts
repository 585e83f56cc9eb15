export * from './identity';
export * from './workspaces';
export * from './vault';
export * from './activity';
export * from './outbox';
export * from './partnerships';
export * from './local-partners';
export * from './native-partners';
