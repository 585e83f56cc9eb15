import type { FastifyPluginAsync } from 'fastify';
import type { AppDeps } from '../deps';
import { accountsModule } from './accounts/index';
import { activityModule } from './activity/index';
import { authModule } from './auth/index';
import { devMailboxModule } from './dev-mailbox/index';
import { devicesModule } from './devices/index';
import { healthModule } from './health/index';
import { liveModule } from './live/index';
import { localPartnersModule } from './local-partners/index';
import { membersModule } from './members/index';
import { nativePartnersModule } from './native-partners/index';
import { partnershipsModule } from './partnerships/index';
import { partnershipAccessModule } from './partnership-access/index';
import { workspacesModule } from './workspaces/index';

/**
 * Every module's routes, registered under /api by app.ts. Add one line per module.
 * A module is a Fastify plugin taking { deps } and building its own services from them.
 */
export const apiModules: Array<FastifyPluginAsync<{ deps: AppDeps }>> = [healthModule, authModule, accountsModule, workspacesModule, membersModule, activityModule, devMailboxModule, liveModule, partnershipAccessModule, partnershipsModule, localPartnersModule, devicesModule, nativePartnersModule];
